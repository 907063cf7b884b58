"""Amounts of money: parsed exactly (Decimal, whole cents), with Dutch errors, the same
everywhere money is entered (spends, budgets, settlements, the plan's cost lines)."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_AMOUNT = Decimal("9999999999.99")  # what the database columns hold (12 digits)
CENT = Decimal("0.01")
# Digits with one decimal comma or point ("3500,00", "3500.00"), or Dutch thousands
# points with a decimal comma ("3.500,00", "1.234.567,89"): unambiguous. Money is never
# guessed: "3.500" is 3500 to a Dutch reader and 3.5 to an English one, so a point
# followed by exactly three digits and no comma is refused as ambiguous, and English
# grouping ("3,500.00") is refused.
_AMOUNT = re.compile(r"^[+-]?\d+([.,](\d+))?$")
_DUTCH_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+,(\d+)$")
_AMBIGUOUS = re.compile(r"^[+-]?\d{1,3}\.\d{3}$")


def _invalid() -> ValidationError:
    return ValidationError(
        _("Enter an amount in euros, for example 1250,50 or 1.250,50."),
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
        if _AMBIGUOUS.match(text):
            whole, part = text.lstrip("+-").split(".")
            raise ValidationError(
                _("%(typed)s is ambiguous: write %(thousands)s or %(decimal)s.")
                % {"typed": text, "thousands": whole + part, "decimal": f"{whole},{part[:2]}"},
                code="ambiguous",
            )
        grouped = _DUTCH_GROUPED.match(text)
        if grouped:
            too_precise = len(grouped.group(2)) > 2
            text = text.replace(".", "")
        else:
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


class AmountField(forms.CharField):
    """An amount in euros, typed the Dutch way (1.250,50 or 1250,50) or with a point
    (1250.50); parsed by ``parse_amount``."""

    def __init__(self, *, allow_zero=False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", gettext_lazy("In euros, for example 125,50."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None) and not self.required:
            return None
        return parse_amount(value, allow_zero=self.allow_zero)


def euro(amount: Decimal) -> str:
    """An amount for messages and e-mails: € 1.234,50 in the active language. (Pages
    use the ``euro`` template filter, which keeps the sign and the € together.)"""
    return "€ " + number_format(amount, 2, use_l10n=True, force_grouping=True)
