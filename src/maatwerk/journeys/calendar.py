"""Working days in the Netherlands.

Public holidays follow the Algemene termijnenwet (art. 3): New Year's Day, Good Friday
(art. 3(2)), Easter Monday, King's Day (27 April, or 26 April when the 27th is a
Sunday), 5 May, Ascension Day, Whit Monday, Christmas Day and Boxing Day. Saturdays and
Sundays are never working days. Days the government adds by decree now and then (a
bridge day) are not included: add them with MAATWERK_EXTRA_HOLIDAYS.
"""

from datetime import date, timedelta
from functools import cache

from django.conf import settings


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def _holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            easter - timedelta(days=2),  # Good Friday
            easter + timedelta(days=1),  # Easter Monday
            kings_day,
            date(year, 5, 5),
            easter + timedelta(days=39),  # Ascension Day
            easter + timedelta(days=50),  # Whit Monday
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def holidays(year: int) -> frozenset[date]:
    extra = {d for d in settings.EXTRA_HOLIDAYS if d.year == year}
    return _holidays(year) | extra


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The date ``count`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def next_working_day(day: date) -> date:
    return add_working_days(day, 1)


def overdue_from(due_on: date) -> date:
    """A request due on ``due_on`` is overdue from the next working day: the whole due
    day is the organisation's, and nobody is chased on a weekend or holiday."""
    return next_working_day(due_on)


def last_working_day(day: date) -> date:
    """``day`` itself when it is a working day, otherwise the working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += is_working_day(day)
    return days
