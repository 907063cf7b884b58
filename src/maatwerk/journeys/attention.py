"""The requests' part of a case's stored attention (``maatwerk.cases.attention``):
the rules registered in ``JourneysConfig.ready()``. Each is the set of requests that
makes a reason hold today; ``record_event`` refreshes the case in its transaction, and
the daily job catches the reasons that start when a date passes."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from maatwerk.cases.attention import Deadline, Reason, Rule

from .models import EventType, JourneyEvent, Request
from .workflow import OPEN_STATES, overdue_q

S = Request.State


def overdue_requests(today: date) -> QuerySet[Request]:
    """Waiting for the organisation's answer past the due date (``workflow.overdue_q``,
    the one definition of overdue)."""
    return Request.objects.filter(overdue_q(today))


def information_requested(today: date) -> QuerySet[Request]:
    """The organisation asked for information that has not been provided yet."""
    return Request.objects.filter(state=S.INFORMATION_REQUESTED)


def open_conditions(today: date) -> QuerySet[Request]:
    """A condition was added that the household has not agreed to (no answer yet, or
    "does not agree"), and no later correction answered it; on a request still alive."""
    conditions = JourneyEvent.objects.filter(
        request=OuterRef("pk"), type=EventType.CONDITION_ADDED, corrections__isnull=True
    ).filter(Q(household_agrees=False) | Q(household_agrees__isnull=True))
    return Request.objects.filter(Q(state__in=[*OPEN_STATES, S.APPROVED]), Exists(conditions))


def unanswered_refusals(today: date) -> QuerySet[Request]:
    """Refused, and nothing happened for REFUSAL_FOLLOW_UP_DAYS days since the refusal
    (no new submission, escalation or withdrawal: each would change the state)."""
    follow_up = today - timedelta(days=settings.REFUSAL_FOLLOW_UP_DAYS)
    last_on = JourneyEvent.objects.filter(request=OuterRef("pk")).order_by("-on", "-id")
    return (
        Request.objects.filter(state=S.REFUSED)
        .annotate(last_on=Subquery(last_on.values("on")[:1]))
        .filter(last_on__lte=follow_up)
    )


def waiting_requests() -> QuerySet[Request]:
    return Request.objects.filter(state=S.WAITING)


RULES = [
    Rule(Reason.OVERDUE, overdue_requests, timed=True),
    Rule(Reason.INFORMATION, information_requested),
    Rule(Reason.CONDITION, open_conditions),
    Rule(Reason.REFUSAL, unanswered_refusals, timed=True),
]
DEADLINES = [Deadline(waiting_requests, "due_on")]
