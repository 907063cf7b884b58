"""The deadline of the first contact after a signal (docs/early-signals.md).

- Normally within ``SIGNAL_CONTACT_DAYS`` calendar days (4 weeks) of receiving it. A
  deadline that falls on a Saturday, a Sunday or a public holiday moves to the next
  working day, as the Algemene termijnenwet (art. 1) does with every legal term.
- Within ``SIGNAL_THREAT_WORKING_DAYS`` working days (3) when the situation is
  threatening: an eviction or a disconnection announced (``models.THREATENING``).

The working days are the journeys' calendar (weekends, the holidays of the Algemene
termijnenwet and ``MAATWERK_EXTRA_HOLIDAYS``). A bundle's deadline is the earliest of
its signals'. It is overdue from the day after its deadline.
"""

from datetime import date, timedelta

from django.conf import settings

from maatwerk.journeys import calendar

from .models import THREATENING


def contact_due_on(signal_type: str, received_on: date) -> date:
    """The last day for the first contact after a signal of ``signal_type`` received
    on ``received_on``."""
    if signal_type in THREATENING:
        return calendar.add_working_days(received_on, settings.SIGNAL_THREAT_WORKING_DAYS)
    due = received_on + timedelta(days=settings.SIGNAL_CONTACT_DAYS)
    return due if calendar.is_working_day(due) else calendar.next_working_day(due)


def is_overdue(due_on: date | None, today: date) -> bool:
    """Whether first contact is overdue on ``today``: the whole due day counts."""
    return due_on is not None and today > due_on
