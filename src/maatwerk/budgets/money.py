"""Amounts of money: parsed exactly (Decimal, whole cents), with Dutch errors."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

MAX_AMOUNT = Decimal("9999999999.99")  # what the database columns hold (12 digits)
CENT = Decimal("0.01")
# Digits with one decimal comma or point. No thousands separators: "1.234" would be
# 1234 to a Dutch reader and 1.234 to an English one — money is never guessed.
_AMOUNT = re.compile(r"^[+-]?\d+([.,](\d+))?$")


def _invalid() -> ValidationError:
    return ValidationError(
        _("Enter an amount in euros without thousands separators, for example 1250,50."),
        code="invalid",
    )


def parse_amount(raw, *, allow_zero: bool = False) -> Decimal:
    """An amount in euros as entered (``125,50``, ``125.50``, ``€ 125``) or a Decimal →
    a Decimal with two places. Raises ValidationError with a specific message: not a
    number, zero, negative, more than two decimals, too large."""
    if isinstance(raw, Decimal):
        value = raw
        if not value.is_finite():
            raise _invalid()
        too_precise = value != value.quantize(CENT) if abs(value) <= MAX_AMOUNT else False
    else:
        # "€ 125,50" and "125,50 €" are fine; a space inside the number is not.
        text = str(raw if raw is not None else "").strip().strip("€").strip()
        if not text:
            raise ValidationError(_("Enter an amount."), code="required")
        match = _AMOUNT.match(text)
        if not match:
            raise _invalid()
        too_precise = len(match.group(2) or "") > 2
        value = Decimal(text.replace(",", "."))
    if value < 0:
        raise ValidationError(
            _("An amount cannot be negative. Correct a booked spend with a reversal."),
            code="negative",
        )
    if value == 0 and not allow_zero:
        raise ValidationError(_("The amount must be more than zero."), code="zero")
    if value > MAX_AMOUNT:
        raise ValidationError(_("This amount is too large."), code="too_large")
    if too_precise:
        raise ValidationError(_("Use at most two decimals (whole cents)."), code="decimals")
    return value.quantize(CENT)


def euro(amount: Decimal) -> str:
    """An amount for messages and e-mails: € 1.234,50 in the active language. (Pages
    use the ``euro`` template filter, which keeps the sign and the € together.)"""
    return "€ " + number_format(amount, 2, use_l10n=True, force_grouping=True)
