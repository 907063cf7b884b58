"""Validators for Dutch personal and address data: BSN, postcode, house number.

Each ``validate_*`` function is a Django validator: it returns nothing and raises
``ValidationError`` with a ``code`` of its own. The ``normalize_*`` functions never
raise: they turn what a person typed into the stored form (``"1234ab"`` →
``"1234 AB"``), and return the input, tidied, when it cannot be normalised, so that a
form can normalise first and validate afterwards. The validators accept the same
variants the normalisers do (spaces and dots in a BSN, lower case in a postcode); store
the normalised value.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "normalize_bsn",
    "normalize_postcode",
    "validate_bsn",
    "validate_house_number",
    "validate_postcode",
]

# --- BSN (burgerservicenummer) ------------------------------------------------------

# What a person may type between the digits of a BSN: spaces (also non-breaking) and dots.
_BSN_SEPARATORS = re.compile(r"[\s.]+")
_NINE_DIGITS = re.compile(r"[0-9]{9}")
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def normalize_bsn(value) -> str:
    """The BSN as 9 digits: spaces and dots removed, an 8-digit number given its
    leading zero (an integer loses it: ``12345672`` → ``"012345672"``).

    Anything that does not come out as 8 or 9 digits is returned without its spaces and
    dots, for :func:`validate_bsn` to reject.
    """
    text = _BSN_SEPARATORS.sub("", "" if value is None else str(value))
    if len(text) == 8 and text.isascii() and text.isdigit():
        text = "0" + text
    return text


def _bsn_checksum_ok(digits: str) -> bool:
    """The eleven-test (elfproef) for a BSN: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11)."""
    total = sum(weight * int(digit) for weight, digit in zip(_BSN_WEIGHTS, digits, strict=True))
    return total % 11 == 0


def validate_bsn(value) -> None:
    """A Dutch citizen service number: 9 digits (8 with an implied leading zero), not
    all zeros, passing the eleven-test.

    Codes: ``bsn_format`` (not 9 digits), ``bsn_invalid`` (all zeros),
    ``bsn_checksum`` (the eleven-test fails).
    """
    digits = normalize_bsn(value)
    if not _NINE_DIGITS.fullmatch(digits):
        raise ValidationError(_("A BSN has 9 digits."), code="bsn_format")
    if digits == "000000000":
        raise ValidationError(_("This is not a valid BSN."), code="bsn_invalid")
    if not _bsn_checksum_ok(digits):
        raise ValidationError(
            _(
                "This is not a valid BSN: the check (elfproef) fails. "
                "Check the number for typing errors."
            ),
            code="bsn_checksum",
        )


# --- Postcode ------------------------------------------------------------------------

# Four digits, the first not 0; an optional single space; two letters. SA, SD and SS
# are never issued (for their connotations in the Second World War).
_POSTCODE = re.compile(r"([1-9][0-9]{3}) ?([A-Z]{2})")
_EXCLUDED_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})


def _postcode_parts(value) -> tuple[str, str] | None:
    text = "" if value is None else str(value).strip().upper()
    match = _POSTCODE.fullmatch(text)
    if match is None or match.group(2) in _EXCLUDED_POSTCODE_LETTERS:
        return None
    return match.group(1), match.group(2)


def normalize_postcode(value) -> str:
    """A valid Dutch postcode in its standard form ``"1234 AB"`` (upper case, one
    space); anything else stripped and upper-cased, for :func:`validate_postcode` to
    reject."""
    parts = _postcode_parts(value)
    if parts is None:
        return "" if value is None else str(value).strip().upper()
    return f"{parts[0]} {parts[1]}"


def validate_postcode(value) -> None:
    """A Dutch postcode: ``1234 AB`` or ``1234AB``, in any case. Code: ``postcode_format``."""
    if _postcode_parts(value) is None:
        raise ValidationError(
            _("Enter a Dutch postcode: four digits and two letters, for example 1234 AB."),
            code="postcode_format",
        )


# --- House number ------------------------------------------------------------------

_HOUSE_NUMBER = re.compile(r"[1-9][0-9]{0,4}")


def validate_house_number(value) -> None:
    """A house number: 1 to 5 digits, not starting with 0 (1 to 99999), without letter
    or addition. Accepts an int or a str. Code: ``house_number``."""
    text = "" if value is None else str(value).strip()
    if not _HOUSE_NUMBER.fullmatch(text):
        raise ValidationError(
            _("Enter a house number: one to five digits, not starting with 0."),
            code="house_number",
        )
