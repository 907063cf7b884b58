"""The date rules the services share. Each returns the problem as a message (or
``None``), so a service can put it on the right field together with its other errors."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

IN_THE_FUTURE = _("The date cannot be in the future.")
BEFORE_OPENED = _("The date cannot be before the case was opened.")


def date_problem(on: date, *, opened_on: date | None = None) -> str | None:
    """A date of something that happened: not in the future and, with ``opened_on``,
    not before the case was opened."""
    if on > timezone.localdate():
        return str(IN_THE_FUTURE)
    if opened_on is not None and on < opened_on:
        return str(BEFORE_OPENED)
    return None


# Every date typed into a form lies within these (``core.forms`` checks it for every
# ``DateField``): a wider date is a typo, and the ends of the calendar (0001, 9999)
# cannot be moved to another time zone or have a day added.
EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
OUT_OF_RANGE = _("Enter a date between %(earliest)s and %(latest)s.")


def _shown(on: date) -> str:
    return on.strftime("%d-%m-%Y")


def date_range_problem(on: date, *, earliest: date = EARLIEST, latest: date = LATEST) -> str | None:
    """A date outside ``earliest``..``latest`` (both included): the message, else None."""
    if on < earliest or on > latest:
        return str(OUT_OF_RANGE % {"earliest": _shown(earliest), "latest": _shown(latest)})
    return None


def years_from(on: date, years: int) -> date:
    """``on`` moved by whole years (29 February becomes 28 February)."""
    try:
        return on.replace(year=on.year + years)
    except ValueError:
        return on.replace(year=on.year + years, day=28)


def date_of_birth_problem(on: date) -> str | None:
    """A date of birth: not in the future, not before 1900."""
    return date_problem(on) or date_range_problem(on)
