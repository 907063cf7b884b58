"""Matching that survives how Dutch names and addresses are really written.

Two signals are about the same address when their *address key* is equal, and about
the same person when their *person key* is equal. A key is computed in three steps:

1. **Normalise** what the creditor sent (this module's ``normalise_*`` functions, pure
   and tested with many variants in ``tests/test_matching.py``):

   - postcode: ``"1234 ab"``, ``"1234AB"``, ``" 1234-ab "`` → ``"1234AB"``;
   - house number and addition, given together or apart: ``"12-2"``, ``"12 II"``,
     ``"12-II"``, ``"12 2 hoog"``, ``"12-2e"`` → ``(12, "2")``; ``"12bis"``,
     ``"12 bis"`` → ``(12, "BIS")``; ``"12 A"``, ``"12a"``, ``"12-A"`` → ``(12, "A")``;
     ``"12 hs"``, ``"12-huis"``, ``"12H"`` → ``(12, "H")``. Roman floor numbers (I to
     X) become digits, separators (space, hyphen, slash, dot) go, letters are upper
     case. An empty addition stays empty: ``"12"`` and ``"12 H"`` are different keys.
   - names: diacritics folded (``"Çelik"`` = ``"Celik"``, ``"Müller"`` = ``"Muller"``,
     ``"ĳ"`` = ``"ij"``), case folded, and the tussenvoegsels dropped wherever they
     stand (``"van der Berg"``, ``"v.d. Berg"``, ``"vd Berg"``, ``"v/d Berg"``,
     ``"Berg, van der"``, ``"Berg v.d."`` → ``"berg"``; ``"Jansen-de Vries"`` →
     ``"jansen vries"``). Of the first names only the first initial counts
     (``"Jan"``, ``"J."``, ``"J.P."`` → ``"j"``).

2. **Combine** the parts: the address key is postcode + number + addition (the street
   and the city are not part of it: in the Netherlands postcode and number name the
   address, and a street is written in too many ways); the person key is the name
   core, the first initial and the date of birth when given.

3. **Hash** with HMAC-SHA256 and the installation's own key
   (``settings.SIGNAL_MATCH_KEY``, ``MAATWERK_SIGNAL_MATCH_KEY``), so the column that
   is indexed is not the address: without the key nobody can test an address against
   it (docs/adr/0010-signal-match-keys.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings

# --- Text -------------------------------------------------------------------------

# Letters NFKD does not take apart into a base letter and a mark.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "ĳ": "ij",
        "Ĳ": "ij",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
    }
)
_NOT_WORD = re.compile(r"[^a-z0-9']+")


def fold(text) -> str:
    """Lower case, without diacritics, punctuation as single spaces: ``"Ça Ö-Ü"`` →
    ``"ca o u"``. An apostrophe stays (it is part of ``'t`` and ``d'Ancona``)."""
    text = "" if text is None else str(text)
    text = text.translate(_SPECIAL_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


# --- Postcode -----------------------------------------------------------------------

_POSTCODE = re.compile(r"([1-9][0-9]{3})\s*-?\s*([A-Z]{2})")
_EXCLUDED_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})


def normalise_postcode(raw) -> str | None:
    """A Dutch postcode as ``"1234AB"``, or None when it is not one. Accepts any case,
    spaces and a hyphen between digits and letters, and spaces around."""
    text = "" if raw is None else str(raw).strip().upper()
    match = _POSTCODE.fullmatch(text)
    if match is None or match.group(2) in _EXCLUDED_POSTCODE_LETTERS:
        return None
    return match.group(1) + match.group(2)


# --- House number and addition ------------------------------------------------------

_NUMBER_AND_REST = re.compile(r"\s*([1-9][0-9]{0,4})(.*)", re.DOTALL)
_ROMAN = {
    "I": "1",
    "II": "2",
    "III": "3",
    "IV": "4",
    "V": "5",
    "VI": "6",
    "VII": "7",
    "VIII": "8",
    "IX": "9",
    "X": "10",
}
# The ground floor ("huis"), written in several ways.
_GROUND = {"H", "HS", "HUIS"}
# Words that only say "floor": "2 hoog", "2-hg", "2e etage", "2de verdieping".
_FLOOR_WORDS = {"HOOG", "HG", "ETAGE", "ET", "VERDIEPING", "VERD"}
_ORDINAL = re.compile(r"([0-9]+)(E|DE|STE)")
_ADDITION_SEPARATORS = re.compile(r"[\s\-/.,_]+")
_ADDITION_ALLOWED = re.compile(r"[A-Z0-9]{1,6}")
_ADDITION_ODD = re.compile(r"[^\w\s\-/.,']")


def normalise_addition(raw) -> str | None:
    """The addition to a house number in one form (``"II"``, ``"-2"``, ``"2 hoog"`` →
    ``"2"``; ``" bis"`` → ``"BIS"``; ``"a"`` → ``"A"``; ``"hs"`` → ``"H"``), ``""``
    when there is none, None when it cannot be an addition (too long, odd
    characters)."""
    if raw is not None and _ADDITION_ODD.search(str(raw)):
        return None
    text = fold(raw).upper().replace("'", "")
    words = [word for word in _ADDITION_SEPARATORS.split(text) if word]
    if not words:
        return ""
    # "2e hoog" / "2 hoog" / "II etage": the floor words say nothing more.
    if len(words) > 1 and words[-1] in _FLOOR_WORDS:
        words = words[:-1]
    words = [_ROMAN.get(word, word) for word in words]
    words = [
        _ORDINAL.fullmatch(word).group(1) if _ORDINAL.fullmatch(word) else word for word in words
    ]
    joined = "".join(words)
    joined = _ROMAN.get(joined, joined)
    for floor in _FLOOR_WORDS:
        if joined.endswith(floor) and joined[: -len(floor)].isdigit():
            joined = joined[: -len(floor)]
            break
    if joined in _GROUND:
        return "H"
    if not _ADDITION_ALLOWED.fullmatch(joined):
        return None
    return joined


def normalise_house_number(number, addition="") -> tuple[int, str] | None:
    """``(number, addition)`` from a house number and an addition, given apart
    (``"12"``, ``"II"``) or together in the number (``"12-2"``, ``"12bis"``,
    ``"12 A"``); both parts are joined first, so either way gives the same answer.
    None when there is no number of 1 to 99999 in front or the rest is no addition."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)  # a spreadsheet's number cell
    text = f"{'' if number is None else number} {'' if addition is None else addition}"
    match = _NUMBER_AND_REST.fullmatch(text)
    if match is None:
        return None
    rest = match.group(2)
    if rest[:1].isdigit() and not rest[:1].isspace():
        return None  # "123456": a sixth digit is no addition
    normalised = normalise_addition(rest)
    if normalised is None:
        return None
    return int(match.group(1)), normalised


# --- Names --------------------------------------------------------------------------

# The tussenvoegsels (voorvoegsels) of Dutch surnames, folded, and their abbreviations.
TUSSENVOEGSELS = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "t",
        "ter",
        "ten",
        "te",
        "in",
        "op",
        "uit",
        "aan",
        "bij",
        "onder",
        "over",
        "voor",
        "tot",
        "la",
        "le",
        "les",
        "du",
        "des",
        "di",
        "da",
        "dos",
        "del",
        "della",
        "d'",
        "l'",
        "von",
        "zu",
        "vd",
        "vder",
        "vden",
        "v",
        "d",
        "s",
        "'s",
    }
)
_ABBREVIATIONS = re.compile(r"\bv\s*[./]\s*d\s*\.?(?=\s|$|[^a-z])|\bv\s*/\s*d\b")
_ELISION = re.compile(r"\b([dl])'(?=\w)")


def normalise_surname(surname, tussenvoegsel="") -> str:
    """The surname's core for matching: folded, without its tussenvoegsels wherever
    they stand (in front, in their own column, after a comma, inside a double name).
    ``"van der Berg"``, ``"Berg, van der"``, ``"v.d. Berg"``, ``"vd Berg"``,
    ``"V/D BERG"`` → ``"berg"``. A name that is nothing but tussenvoegsels (``"Van"``
    as a surname) is kept whole."""
    raw = f"{'' if tussenvoegsel is None else tussenvoegsel} {'' if surname is None else surname}"
    lowered = unicodedata.normalize("NFKD", raw.translate(_SPECIAL_LETTERS)).casefold()
    lowered = "".join(char for char in lowered if not unicodedata.combining(char))
    lowered = _ABBREVIATIONS.sub(" vd ", lowered)
    lowered = _ELISION.sub(r"\1' ", lowered)
    words = fold(lowered).split()
    core = [word for word in words if word not in TUSSENVOEGSELS]
    return " ".join(core or words)


def first_initial(first_names) -> str:
    """The first letter of the first names (``"Jan"``, ``"J.P."``, ``"Émile"`` →
    ``"j"``, ``"j"``, ``"e"``), ``""`` when there are none."""
    folded = fold(first_names).replace("'", "")
    return folded[:1]


# --- Keys ---------------------------------------------------------------------------


def _hmac(message: str) -> str:
    key = settings.SIGNAL_MATCH_KEY.encode("utf-8")
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def address_text(postcode: str, number: int, addition: str) -> str:
    """The normalised address that is hashed (shown nowhere, stored nowhere)."""
    return f"a1|{postcode}|{number}|{addition}"


def address_key(postcode, number, addition="") -> str | None:
    """The address key (64 hex characters), or None when postcode or house number are
    not usable."""
    code = normalise_postcode(postcode)
    house = normalise_house_number(number, addition)
    if code is None or house is None:
        return None
    return _hmac(address_text(code, *house))


def person_key(surname, *, tussenvoegsel="", first_names="", date_of_birth: date | None) -> str:
    """The person key (64 hex characters): the surname's core, the first initial and
    the date of birth (when known). ``""`` without a surname."""
    core = normalise_surname(surname, tussenvoegsel)
    if not core:
        return ""
    born = date_of_birth.isoformat() if date_of_birth else ""
    return _hmac(f"p1|{core}|{first_initial(first_names)}|{born}")
