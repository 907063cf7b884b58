"""The request's state machine, in one place: which journey event may follow which
state and the state it leads to, which states count as open, which events restart the
organisation's clock, and what "overdue" means.

``Request.state`` is a cache of the journey events (ADR 0003): only
``journeys.services.record_event`` moves it, along ``TRANSITIONS``. "Overdue" is
defined once (``is_overdue`` for one request, ``overdue_q`` for a queryset), and the
work queue, the inbox, the request page, the timeline and the scheduled job all use it.
"""

from collections.abc import Callable, Iterable
from datetime import date

from django.db.models import Q

from .calendar import add_working_days, last_working_day, overdue_from
from .models import EventType, Request

S = Request.State

# Which event may follow which state, and the state it leads to (None: unchanged).
TRANSITIONS: dict[str, tuple[set[str], str | None]] = {
    EventType.SUBMITTED: (
        {S.DRAFT, S.WAITING, S.REFUSED, S.REDIRECTED, S.INFORMATION_REQUESTED},
        S.WAITING,
    ),
    EventType.REDIRECTED: ({S.WAITING, S.INFORMATION_REQUESTED}, S.REDIRECTED),
    EventType.INFORMATION_REQUESTED: ({S.WAITING}, S.INFORMATION_REQUESTED),
    EventType.INFORMATION_PROVIDED: ({S.INFORMATION_REQUESTED}, S.WAITING),
    EventType.REFUSED: ({S.WAITING, S.INFORMATION_REQUESTED}, S.REFUSED),
    EventType.CONDITION_ADDED: ({S.WAITING, S.INFORMATION_REQUESTED, S.APPROVED}, None),
    EventType.ESCALATED: (
        {S.WAITING, S.REFUSED, S.REDIRECTED, S.INFORMATION_REQUESTED},
        S.WAITING,
    ),
    EventType.APPROVED: ({S.WAITING, S.INFORMATION_REQUESTED}, S.APPROVED),
    EventType.WITHDRAWN: (
        {S.DRAFT, S.WAITING, S.REFUSED, S.REDIRECTED, S.INFORMATION_REQUESTED},
        S.WITHDRAWN,
    ),
    # Solved another way, for example paid from the maatwerk budget (budgets.services).
    EventType.SOLVED: (
        {S.WAITING, S.REFUSED, S.REDIRECTED, S.INFORMATION_REQUESTED},
        S.SOLVED,
    ),
    # Sent on to the organisation a redirect (or a refusal) pointed to, as a new request
    # that continues this one (services.request_forward).
    EventType.FORWARDED: ({S.REDIRECTED, S.REFUSED}, S.FORWARDED),
    # Closing the case kept this request open, with a reason (journeys.closing).
    EventType.KEPT_OPEN: (
        {S.WAITING, S.REFUSED, S.REDIRECTED, S.INFORMATION_REQUESTED},
        None,
    ),
}

# Events a closed case does not get: it sends nothing new and chases nothing.
NOT_FOR_CLOSED_CASES = {EventType.SUBMITTED, EventType.ESCALATED}

# The household's later answer to a condition (a condition_added correcting the first)
# can be recorded in any state in which the request is still alive.
CONDITION_ANSWER_STATES = TRANSITIONS[EventType.CONDITION_ADDED][0] | {S.REFUSED, S.REDIRECTED}

# Events that (re)start the organisation's response time.
RESTARTS_CLOCK = {EventType.SUBMITTED, EventType.INFORMATION_PROVIDED, EventType.ESCALATED}

# Open: submitted and not finished (not approved, withdrawn or solved): the request
# still needs someone's work — the organisation's or, after a refusal or a redirect,
# the professional's.
OPEN_STATES = (S.WAITING, S.INFORMATION_REQUESTED, S.REFUSED, S.REDIRECTED)

# With the organisation: waiting for its answer, or for the information it asked for.
AWAITING_ORGANISATION = (S.WAITING, S.INFORMATION_REQUESTED)

# The states from which a request can be forwarded to another organisation.
FORWARDABLE_STATES = TRANSITIONS[EventType.FORWARDED][0]

# The states that a budget spend (or another way) can still solve.
SOLVABLE_STATES = TRANSITIONS[EventType.SOLVED][0]


# The escalation route has four levels (register.EscalationStep.Level); a request
# already at the highest level is not escalated to it again: the next step proposed
# is the doorbraaktafel or the coordinator (regievoerder), ``BEYOND_ROUTE``.
HIGHEST_LEVEL = 4
BEYOND_ROUTE = 5


def proposed_level(escalation_level: int) -> int:
    """The next step to propose for a request at ``escalation_level``: the next level of
    the route, or ``BEYOND_ROUTE`` (doorbraaktafel or coordinator) at the highest."""
    return escalation_level + 1 if escalation_level < HIGHEST_LEVEL else BEYOND_ROUTE


def is_overdue(req: Request, today: date) -> bool:
    """Overdue: waiting for the organisation's answer, and today is on or after the next
    working day after the due date (the whole due date is the organisation's), or the
    scheduled job has flagged it so."""
    if req.state != S.WAITING:
        return False
    return req.overdue or (req.due_on is not None and overdue_from(req.due_on) <= today)


def overdue_q(today: date) -> Q:
    """``is_overdue`` as a filter: due before the last working day up to today is the
    same as "overdue from the next working day after the due date"."""
    return Q(state=S.WAITING) & (Q(overdue=True) | Q(due_on__lt=last_working_day(today)))


def step_changes(
    type: str,
    on: date,
    *,
    first_submitted_on: date | None,
    escalation_level: int,
    level: int | None = None,
    target_days: Callable[[int], int],
) -> dict:
    """What one journey event changes on its request row (ADR 0003: the row is a cache
    of the events): the state it leads to, the due date when it restarts the clock,
    the first submission and the escalation level. ``target_days(level)`` is the
    response target at a level (``selectors.response_target``). The one definition,
    used by ``services.record_event`` (one event, after ``TRANSITIONS`` allowed it)
    and by ``replay`` (a whole imported journey)."""
    _allowed, target = TRANSITIONS[type]
    changes: dict = {}
    if target:
        changes["state"] = target
        if target != S.WAITING:
            changes["overdue"] = False  # only a request waiting for an answer is late
    if type in RESTARTS_CLOCK:
        # The target of the level the request is at after this step: after an
        # escalation the level escalated to (the national escalation team has its
        # own), otherwise the organisation's.
        at_level = level if type == EventType.ESCALATED else escalation_level
        days = target_days(at_level)
        try:
            changes["due_on"] = add_working_days(on, days)
        except OverflowError:  # a date at the end of the calendar (an imported one)
            changes["due_on"] = None
        changes["due_days"] = days
        changes["overdue"] = False
    if type == EventType.SUBMITTED and first_submitted_on is None:
        changes["first_submitted_on"] = on
    if type == EventType.ESCALATED:
        changes["escalation_level"] = level
    return changes


def replay(events: Iterable[tuple[str, date, int | None]], *, target_days) -> dict:
    """The request row's cached fields after a whole journey of ``(type, on, level)``
    events in their order, for requests whose history is written at once (an import
    of ``maatwerk-case/1``). Each event's changes are those of ``step_changes``, as
    ``record_event`` applies them; unlike ``record_event`` nothing is refused: the
    events are history that happened elsewhere, not a step a form offers now."""
    row = {
        "state": S.DRAFT,
        "first_submitted_on": None,
        "escalation_level": 0,
        "due_on": None,
        "due_days": None,
        "overdue": False,
    }
    for type, on, level in events:
        row.update(
            step_changes(
                type,
                on,
                first_submitted_on=row["first_submitted_on"],
                escalation_level=row["escalation_level"],
                level=level,
                target_days=target_days,
            )
        )
    return row
