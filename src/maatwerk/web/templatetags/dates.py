"""Dates as Maatwerk writes them, in every template (a builtin: no ``{% load %}``).

``{{ day|short_date }}`` gives "3 jan 2026" in Dutch (month abbreviations lower case,
as Dutch writes them: jan, feb, mrt, apr, mei, jun, jul, aug, sep, okt, nov, dec) and
"3 Jan 2026" in English. ``|short_date:"day"`` leaves out the year ("3 jan"),
``|short_date:"time"`` adds the time ("3 jan 2026 14:05"). Use it instead of
``date:"j M Y"``, whose ``M`` capitalises the month in every language.
"""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language

register = template.Library()

FORMATS = {"": "j {month} Y", "day": "j {month}", "time": "j {month} Y H:i"}


@register.filter(expects_localtime=True, is_safe=False)
def short_date(value, variant: str = ""):
    if value in (None, ""):
        return ""
    # ``b``: the month's abbreviation as translated, lower case; ``M``: capitalised.
    month = "b" if (get_language() or "nl").startswith("nl") else "M"
    return date_filter(value, FORMATS.get(variant, FORMATS[""]).format(month=month))
