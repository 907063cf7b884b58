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
