"""The rules for free text typed by a user (see docs/input.md).

- NUL (U+0000) is refused: PostgreSQL cannot store it, and no one types it.
- Bidirectional controls (U+202A–U+202E, U+2066–U+2069) are refused: they make text
  display in another order than it is stored ("Trojan Source"), so what a reader sees
  would not be what was written. Right-to-left text itself (Arabic, Hebrew) needs
  none of them and is accepted.
- Zero-width characters (U+200B–U+200D, U+2060, U+FEFF) are removed: they are
  invisible, carry no meaning in a text of ours, and come in with copy and paste
  (a word processor's byte-order mark, the joiner inside a chat app's emoji).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NUL = "\x00"
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
_REMOVE_ZERO_WIDTH = {ord(c): None for c in ZERO_WIDTH}

NUL_MESSAGE = _("This text contains a null character (U+0000). Remove it and try again.")
BIDI_MESSAGE = _(
    "This text contains an invisible character that changes the reading direction "
    "(%(code)s, character %(position)s). Remove it, for example by typing that part again."
)


def strip_zero_width(value: str) -> str:
    """``value`` without its zero-width characters."""
    return value.translate(_REMOVE_ZERO_WIDTH)


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as free text (a message), or None."""
    for position, char in enumerate(value, start=1):
        if char == NUL:
            return str(NUL_MESSAGE)
        if char in BIDI_CONTROLS:
            return str(BIDI_MESSAGE % {"code": f"U+{ord(char):04X}", "position": position})
    return None


def validate_free_text(value) -> None:
    """A validator (form or model field): refuses NUL and bidirectional controls."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError(problem, code="invisible_control")


def clean_free_text(value: str) -> str:
    """Free text that did not come through a form field (a URL or a posted value read
    by the view): zero-width characters removed, the rest checked as a form would.
    Raises ValidationError."""
    value = strip_zero_width(value)
    validate_free_text(value)
    return value
