from datetime import date
from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def euro(value) -> str:
    """€ 1.234,50 in Dutch, € 1,234.50 in English; a minus sign before the euro sign."""
    if value in (None, ""):
        return "–"
    value = Decimal(value).quantize(Decimal("0.01"))
    text = number_format(abs(value), 2, use_l10n=True, force_grouping=True)
    return f"−€\u00a0{text}" if value < 0 else f"€\u00a0{text}"


@register.filter
def month_name(month: int, year: int) -> str:
    """``11|month_name:2026`` → "november 2026" (in the page's language)."""
    return date_format(date(int(year), int(month), 1), "F Y")
