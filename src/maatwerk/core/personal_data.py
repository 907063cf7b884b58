"""A screen for personal data in free text that is about to leave the team: a precedent
before it is published (issue 12), a learning point's text, anything written "without
names".

``find_personal_data(text, known=...)`` returns every span that looks like a direct
identifier, with its kind, so a reviewer can see it highlighted:

- ``known``: the household's own identifiers (names, BSN, address, as the caller
  decrypted them from the case), found case- and accent-insensitively;
- ``bsn``: nine digits (also written 1234.56.782 or 123 456 782) that pass the
  eleven-test (elfproef);
- ``phone``: Dutch phone numbers (06-12345678, 020 123 4567, +31 6 1234 5678,
  0031 …);
- ``email``;
- ``address``: a postcode with a house number ("3511 AB 12", "Kerkstraat 12, 3511 AB"),
  or a street name with a house number ("Kerkstraat 12a");
- ``birth_date``: a date next to a word that says it is a date of birth (geboren,
  geb., geboortedatum);
- ``iban``: an IBAN with a valid check (mod 97), with or without spaces.

What it deliberately does not flag: amounts (€ 1.234,56; 12.500 euro), dates of events
("op 3 maart 2023 besloot het UWV"), article numbers ("art. 18 lid 1"), years, case and
request references. It is a screen, not a guarantee: a name it does not know
(a neighbour's, say) passes, so the reviewer still reads the text (docs/privacy.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("known", "bsn", "phone", "email", "address", "birth_date", "iban")


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int
    text: str


# --- numbers with a check -------------------------------------------------------------

_NINE_DIGITS = re.compile(r"(?<![\d€.,])(\d{4}[. ]?\d{2}[. ]?\d{3}|\d{3} \d{3} \d{3})(?!\d|[.,]\d)")


def is_bsn(digits: str) -> bool:
    """The eleven-test of a burgerservicenummer: 9 digits, weights 9…2 and −1."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit() or digits == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b")


def is_iban(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    if compact.startswith("NL") and not re.fullmatch(r"NL\d{2}[A-Z]{4}\d{10}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


# --- contact details -------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A Dutch number: 0 (or +31 / 0031) and nine more digits, with the usual separators.
_PHONE = re.compile(
    r"(?<![\w€.,/])(?:\+31|0031|0)[\s-]?(?:\(0\)[\s-]?)?[1-9](?:[\s-]?\d){8}(?!\d|[.,]\d)"
)

# --- addresses ------------------------------------------------------------------------

# Postcode: four digits (not starting with 0), two letters (never SA, SD or SS).
_POSTCODE = r"[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}"
_HOUSE_NUMBER = r"\d{1,5}(?:[ -]?(?:[a-zA-Z]{1,3}|bis|I{1,3}|IV|hs|\d{1,3})\b)?"
_STREET_SUFFIX = (
    r"(?:straat|weg|laan|plein|gracht|kade|singel|dijk|pad|hof|steeg|dreef|park|"
    r"markt|baan|plantsoen|erf|veld|wal|ring|allee|boulevard|dam|hoek|kwartier|dal)"
)
# "Kerkstraat 12a", "Van der Helstlaan 4-2", "Burgemeester de Withstraat 3".
_STREET_PREFIX = (
    r"(?:(?:[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]er|[Tt]en|'t|Sint|St\.|Burgemeester|"
    r"Dokter|Dr\.|Prins|Prinses|Koning|Koningin|Graaf|Oude|Nieuwe|Korte|Lange)\s+)*"
)
_STREET = re.compile(
    rf"\b{_STREET_PREFIX}[A-Z][a-zà-ÿ]*{_STREET_SUFFIX}\s+{_HOUSE_NUMBER}",
)
_POSTCODE_WITH_NUMBER = re.compile(
    rf"\b{_POSTCODE}\b[ ,]+{_HOUSE_NUMBER}\b|\b{_HOUSE_NUMBER}[ ,]+{_POSTCODE}\b"
)
_POSTCODE_ALONE = re.compile(rf"\b{_POSTCODE}\b")

# --- dates of birth -------------------------------------------------------------------

_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
    "december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}"
    rf"|\d{{1,2}} (?:{_MONTHS})\.? (?:19|20)\d{{2}}"
    r"|(?:19|20)\d{2}-\d{2}-\d{2})"
)
_BIRTH_DATE = re.compile(
    rf"\b(?:geboren|geb\.|geboortedatum|geboorte datum|d\.o\.b\.|born)"
    rf"(?:\s+(?:op|on|:))?[:\s]+({_DATE})",
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    """Lower case without accents, the same length as the text (for known values)."""
    return "".join(
        unicodedata.normalize("NFKD", ch)[0].lower() if ch.strip() else " " for ch in text
    )


def _known_hits(text: str, known: Iterable[str]) -> list[Hit]:
    folded = _fold(text)
    hits = []
    for value in known:
        value = (value or "").strip()
        if len(value) < 3:  # initials and house numbers alone would flag everything
            continue
        needle = _fold(value)
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, needle.split())) + r"(?!\w)")
        for match in pattern.finditer(folded):
            hits.append(Hit("known", match.start(), match.end(), text[match.start() : match.end()]))
    return hits


def find_personal_data(text: str, *, known: Iterable[str] = ()) -> list[Hit]:
    """Every span of ``text`` that looks like a direct identifier, in text order; spans
    that overlap are merged into the first (a postcode inside an address is one hit)."""
    text = text or ""
    hits: list[Hit] = list(_known_hits(text, known))
    for match in _NINE_DIGITS.finditer(text):
        if is_bsn(re.sub(r"\D", "", match.group(1))):
            hits.append(Hit("bsn", match.start(1), match.end(1), match.group(1)))
    for match in _IBAN.finditer(text.upper()):
        if is_iban(match.group(1)):
            start, end = match.span(1)
            hits.append(Hit("iban", start, end, text[start:end]))
    for match in _EMAIL.finditer(text):
        hits.append(Hit("email", match.start(), match.end(), match.group()))
    for match in _PHONE.finditer(text):
        hits.append(Hit("phone", match.start(), match.end(), match.group()))
    for pattern in (_POSTCODE_WITH_NUMBER, _STREET):
        for match in pattern.finditer(text):
            hits.append(Hit("address", match.start(), match.end(), match.group()))
    address_spans = [(h.start, h.end) for h in hits if h.kind == "address"]
    for match in _POSTCODE_ALONE.finditer(text):
        # A postcode near a street and number is part of an address; alone it is a
        # neighbourhood (the issue asks for "postcodes with house numbers").
        near = any(s - 40 <= match.start() <= e + 40 for s, e in address_spans)
        if near:
            hits.append(Hit("address", match.start(), match.end(), match.group()))
    for match in _BIRTH_DATE.finditer(text):
        hits.append(Hit("birth_date", match.start(1), match.end(1), match.group(1)))
    return _merge(hits)


def _merge(hits: list[Hit]) -> list[Hit]:
    merged: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if merged and hit.start < merged[-1].end:
            last = merged[-1]
            if hit.end > last.end:
                tail = hit.text[last.end - hit.start :]
                merged[-1] = Hit(last.kind, last.start, hit.end, last.text + tail)
            continue
        merged.append(hit)
    return merged


def highlight_spans(text: str, hits: list[Hit]) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, kind-or-None) for a template to mark the hits."""
    pieces: list[tuple[str, str | None]] = []
    at = 0
    for hit in hits:
        if hit.start > at:
            pieces.append((text[at : hit.start], None))
        pieces.append((text[hit.start : hit.end], hit.kind))
        at = hit.end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces
