"""One signal as a creditor delivers it: the fields, their checks, and the normalised
row (``SignalRow``) that ``services.intake_signals`` stores. Shared by the upload
(``uploads``) and, later, the API (issue 15): both hand ``validate_row`` a dict of
field name → raw value and get a row or the problems, field by field, in Dutch.

The field names are the API's; the upload's column headers are the same names
(docs/early-signals.md, "The column layout").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.core.dates import EARLIEST
from maatwerk.core.money import parse_amount

from . import matching
from .models import SignalType

# The fields, in the template's order: (name, required).
FIELDS: list[tuple[str, bool]] = [
    ("referentie", True),
    ("type", True),
    ("achternaam", True),
    ("tussenvoegsel", False),
    ("voornamen", False),
    ("geboortedatum", False),
    ("straat", False),
    ("huisnummer", True),
    ("toevoeging", False),
    ("postcode", True),
    ("woonplaats", False),
    ("telefoon", False),
    ("email", False),
    ("bedrag", False),
    ("maanden_achterstand", False),
    ("signaaldatum", True),
]
FIELD_NAMES = [name for name, _required in FIELDS]
REQUIRED = [name for name, required in FIELDS if required]

MAX_LENGTHS = {
    "referentie": 64,
    "achternaam": 200,
    "tussenvoegsel": 20,
    "voornamen": 200,
    "straat": 200,
    "woonplaats": 100,
    "telefoon": 32,
    "email": 254,
    "huisnummer": 20,
    "toevoeging": 10,
}

# The type column takes the code (``rent``) or its Dutch word (``huur``).
TYPE_ALIASES = {
    "huur": SignalType.RENT,
    "huurachterstand": SignalType.RENT,
    "elektriciteit": SignalType.ELECTRICITY,
    "stroom": SignalType.ELECTRICITY,
    "gas": SignalType.GAS,
    "warmte": SignalType.HEAT,
    "stadsverwarming": SignalType.HEAT,
    "drinkwater": SignalType.DRINKING_WATER,
    "water": SignalType.DRINKING_WATER,
    "zorgverzekering": SignalType.HEALTH_INSURANCE,
    "uitkering_gestopt": SignalType.BENEFIT_STOPPED,
    "huisuitzetting_aangekondigd": SignalType.EVICTION_ANNOUNCED,
    "ontruiming_aangekondigd": SignalType.EVICTION_ANNOUNCED,
    "afsluiting_aangekondigd": SignalType.DISCONNECTION_ANNOUNCED,
    "overig": SignalType.OTHER,
    **{choice.value: choice for choice in SignalType},
}
# Types that are arrears: an amount is required (the others may leave it empty).
ARREARS = frozenset(
    {
        SignalType.RENT,
        SignalType.ELECTRICITY,
        SignalType.GAS,
        SignalType.HEAT,
        SignalType.DRINKING_WATER,
        SignalType.HEALTH_INSURANCE,
    }
)
MAX_MONTHS = 120
_PHONE = re.compile(r"\+?[0-9 ()\-]{6,32}")
_DATE_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


@dataclass(frozen=True)
class SignalRow:
    """A valid, normalised signal, ready to store."""

    creditor_reference: str
    type: str
    surname: str
    tussenvoegsel: str
    first_names: str
    date_of_birth: dt.date | None
    street: str
    house_number: str
    house_number_addition: str
    postcode: str
    city: str
    phone: str
    email: str
    amount: Decimal
    months_in_arrears: int
    signal_date: dt.date
    address_key: str
    person_key: str


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's number cell (12.0)
    return " ".join(str(value).split())


def parse_date(value) -> dt.date:
    """A date as ``2027-03-25``, ``25-03-2027`` (or with / or .), or a spreadsheet's
    date cell."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    try:
        match = _DATE_DMY.fullmatch(text)
        if match:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _("Enter a date as DD-MM-YYYY or YYYY-MM-DD, for example 25-03-2027."),
            code="date",
        ) from None


def _months(value) -> int:
    text = _text(value)
    if not text:
        return 0
    if not text.isdigit():
        raise ValidationError(_("Enter the months in arrears as a whole number."), code="months")
    months = int(text)
    if months > MAX_MONTHS:
        raise ValidationError(
            _("At most %(max)s months in arrears.") % {"max": MAX_MONTHS}, code="months"
        )
    return months


def _amount(value, signal_type: str | None) -> Decimal:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = Decimal(str(value))
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        if signal_type in ARREARS:
            raise ValidationError(_("Enter the amount in arrears."), code="required")
        return Decimal("0.00")
    try:
        return parse_amount(value, allow_zero=signal_type not in ARREARS)
    except ValidationError as error:
        if error.code == "negative":
            raise ValidationError(_("An amount cannot be negative."), code="negative") from None
        raise


def validate_row(raw: dict, *, today: dt.date | None = None) -> tuple[SignalRow | None, dict]:
    """``(row, {})`` for a valid signal, ``(None, {field: message})`` otherwise. Every
    field is checked, so one answer names every problem of the row."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    text = {name: _text(raw.get(name)) for name in FIELD_NAMES if name not in ("bedrag",)}

    for name in REQUIRED:
        if not text.get(name):
            errors[name] = _("This field is required.")
    for name, limit in MAX_LENGTHS.items():
        if len(text.get(name, "")) > limit and name not in errors:
            errors[name] = _("At most %(limit)s characters.") % {"limit": limit}

    signal_type = None
    if text["type"] and "type" not in errors:
        signal_type = TYPE_ALIASES.get(text["type"].casefold().replace(" ", "_").replace("-", "_"))
        if signal_type is None:
            errors["type"] = _("Unknown type %(typed)s. Use one of: %(codes)s.") % {
                "typed": text["type"][:40],
                "codes": ", ".join(choice.value for choice in SignalType),
            }

    postcode = matching.normalise_postcode(text["postcode"]) if text["postcode"] else None
    if text["postcode"] and postcode is None:
        errors["postcode"] = _(
            "Enter a Dutch postcode: four digits and two letters, for example 1234 AB."
        )
    house = None
    if text["huisnummer"] and "huisnummer" not in errors:
        house = matching.normalise_house_number(text["huisnummer"], text["toevoeging"])
        if house is None:
            errors["huisnummer"] = _(
                "Enter a house number (1 to 99999) with an optional addition, for example "
                "12, 12-2, 12 II, 12bis or 12 A."
            )

    signal_date = None
    if text["signaaldatum"]:
        try:
            signal_date = parse_date(raw.get("signaaldatum"))
        except ValidationError as error:
            errors["signaaldatum"] = error.messages[0]
        else:
            if signal_date > today:
                errors["signaaldatum"] = _("The signal date cannot be in the future.")
            elif signal_date < EARLIEST:
                errors["signaaldatum"] = _("The signal date is too long ago.")

    born = None
    if text["geboortedatum"]:
        try:
            born = parse_date(raw.get("geboortedatum"))
        except ValidationError as error:
            errors["geboortedatum"] = error.messages[0]
        else:
            if born > today:
                errors["geboortedatum"] = _("The date of birth cannot be in the future.")
            elif born < EARLIEST:
                errors["geboortedatum"] = _("The date of birth is too long ago.")

    amount = Decimal("0.00")
    try:
        amount = _amount(raw.get("bedrag"), signal_type)
    except ValidationError as error:
        errors["bedrag"] = error.messages[0]
    months = 0
    try:
        months = _months(raw.get("maanden_achterstand"))
    except ValidationError as error:
        errors["maanden_achterstand"] = error.messages[0]

    if text["email"] and "email" not in errors:
        try:
            validate_email(text["email"])
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if text["telefoon"] and "telefoon" not in errors and not _PHONE.fullmatch(text["telefoon"]):
        errors["telefoon"] = _("Enter a phone number: digits, spaces, +, - and brackets.")

    if errors:
        return None, errors
    number, addition = house
    return (
        SignalRow(
            creditor_reference=text["referentie"],
            type=str(signal_type),
            surname=text["achternaam"],
            tussenvoegsel=text["tussenvoegsel"],
            first_names=text["voornamen"],
            date_of_birth=born,
            street=text["straat"],
            house_number=str(number),
            house_number_addition=addition,
            postcode=f"{postcode[:4]} {postcode[4:]}",
            city=text["woonplaats"],
            phone=text["telefoon"],
            email=text["email"],
            amount=amount,
            months_in_arrears=months,
            signal_date=signal_date,
            address_key=matching.address_key(postcode, number, addition),
            person_key=matching.person_key(
                text["achternaam"],
                tussenvoegsel=text["tussenvoegsel"],
                first_names=text["voornamen"],
                date_of_birth=born,
            ),
        ),
        {},
    )
