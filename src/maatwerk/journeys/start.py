"""The journeys' sections of the start page (``web.extensions``, registered in
``JourneysConfig.ready``): what a user's working day starts with.

- professional (``journeys.add_journeyevent``): my cases that need me now and why,
  the next deadlines of my requests, my unread notices;
- decision maker (``journeys.decide_request``): the overdue and the waiting requests
  for my organisation, with their due dates (only what the inbox shows);
- coordinator (``cases.view_escalated_case``): the requests escalated to the national
  team, and the open cases without a next step.

Every section is bounded (``START_SIZE`` rows and the total, with a link to the whole
list), needs a constant number of queries whatever the number of cases, follows the
policy (``visible_cases`` / ``visible_requests``) and writes one access-log row naming
the households it showed (``audit.events.start_page_listed``).

The professional's reasons are the stored attention of ``cases.attention`` and the
unread notices those of the notices app (``attention_cases``, ``unread_notices``).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from maatwerk.audit import events
from maatwerk.cases.models import Case, PlanAction, PlanVersion
from maatwerk.cases.selectors import (
    ESCALATED_LEVEL,
    cases_needing_attention,
    with_attention_reasons,
    workable_cases,
)
from maatwerk.notices.selectors import Row as NoticeRow
from maatwerk.notices.selectors import unread_count, unread_for

from .models import Request
from .selectors import (
    inbox_requests,
    visible_requests,
)
from .workflow import AWAITING_ORGANISATION, OPEN_STATES, is_overdue, overdue_q

START_SIZE = 8
CLOSED = Case.Status.CLOSED


@dataclass
class AttentionRow:
    case: Case
    reasons: list[str] = field(default_factory=list)


def attention_cases(user, today: date) -> tuple[list[AttentionRow], int]:
    """My open cases that need me now, each with why: the stored reasons
    (``cases.selectors.cases_needing_attention``), soonest deadline first, and how many
    there are."""
    cases = cases_needing_attention(user, scope="mine").exclude(status=CLOSED)
    total = cases.count()
    shown = with_attention_reasons(list(cases[:START_SIZE]))
    return [AttentionRow(case, list(case.attention_reasons)) for case in shown], total


def unread_notices(user) -> tuple[list[NoticeRow], int]:
    """My unread notices, newest first (the notices app), and how many."""
    return unread_for(user, limit=START_SIZE), unread_count(user)


@dataclass
class Deadline:
    on: date
    case: Case
    late: bool = False
    request: Request | None = None
    action: PlanAction | None = None


def next_deadlines(user, today: date) -> list[Deadline]:
    """What comes next on my open cases, soonest first: the requests waiting for an
    organisation (by their due date; an overdue one first) and the actions of the
    current plan versions due today or later. Two bounded queries, merged."""
    requests = (
        visible_requests(user)
        .filter(case__owner=user, state__in=AWAITING_ORGANISATION, due_on__isnull=False)
        .exclude(case__status=CLOSED)
        .select_related("case__household", "organisation")
        .order_by("due_on", "id")[:START_SIZE]
    )
    newer = PlanVersion.objects.filter(
        plan=OuterRef("version__plan"), number__gt=OuterRef("version__number")
    )
    actions = (
        PlanAction.objects.filter(
            version__plan__case__in=workable_cases(user)
            .filter(owner=user)
            .exclude(status=CLOSED)
            .values("pk"),
            due_on__gte=today,
        )
        .filter(~Exists(newer))
        .select_related("version__plan__case__household", "organisation")
        .order_by("due_on", "id")[:START_SIZE]
    )
    rows = [
        Deadline(req.due_on, req.case, late=is_overdue(req, today), request=req) for req in requests
    ]
    rows += [Deadline(a.due_on, a.version.plan.case, action=a) for a in actions]
    rows.sort(key=lambda row: row.on)
    return rows[:START_SIZE]


def professional_section(request) -> dict | None:
    user = request.user
    if not user.has_perm("journeys.add_journeyevent") or not user.has_perm("cases.view_case"):
        return None
    today = timezone.localdate()
    attention, attention_total = attention_cases(user, today)
    deadlines = next_deadlines(user, today)
    notices, notices_total = unread_notices(user)
    shown = [row.case.household.pseudonym for row in attention]
    shown += [
        f"{d.case.household.pseudonym} {d.request.reference if d.request else 'plan action'}"
        for d in deadlines
    ]
    shown += [f"{n.household} {n.reference}" for n in notices]
    events.start_page_listed(request, name="my work", shown=shown)
    return {
        "template": "journeys/_start_professional.html",
        "attention": attention,
        "attention_total": attention_total,
        "deadlines": deadlines,
        "notices": notices,
        "notices_total": notices_total,
        "size": START_SIZE,
    }


def decision_maker_section(request) -> dict | None:
    user = request.user
    if not user.has_perm("journeys.decide_request"):
        return None
    today = timezone.localdate()
    inbox = inbox_requests(user)
    late = overdue_q(today)
    waiting = Q(state__in=AWAITING_ORGANISATION) & ~late
    totals = inbox.aggregate(
        late_total=Count("pk", filter=late), waiting_total=Count("pk", filter=waiting)
    )
    related = ("case__household", "organisation")
    overdue_rows = list(
        inbox.filter(late).select_related(*related).order_by("due_on", "id")[:START_SIZE]
    )
    waiting_rows = list(
        inbox.filter(waiting)
        .select_related(*related)
        .order_by("-first_submitted_on", "-id")[:START_SIZE]
    )
    events.start_page_listed(
        request,
        name="requests to decide",
        shown=[f"{r.case.household.pseudonym} {r.reference}" for r in overdue_rows + waiting_rows],
    )
    return {
        "template": "journeys/_start_decision_maker.html",
        "overdue": overdue_rows,
        "waiting": waiting_rows,
        "totals": totals,
        "size": START_SIZE,
    }


def without_next_step(user):
    """Open cases the user works on with nothing under way: no open or draft request and
    no plan action (of a current plan version) due today or later."""
    pending = Request.objects.filter(
        case=OuterRef("pk"), state__in=(Request.State.DRAFT, *OPEN_STATES)
    )
    newer = PlanVersion.objects.filter(
        plan=OuterRef("version__plan"), number__gt=OuterRef("version__number")
    )
    planned = PlanAction.objects.filter(
        version__plan__case=OuterRef("pk"), due_on__gte=timezone.localdate()
    ).filter(~Exists(newer))
    return workable_cases(user).exclude(status=CLOSED).filter(~Exists(pending), ~Exists(planned))


def coordinator_section(request) -> dict | None:
    user = request.user
    if not user.has_perm("cases.view_escalated_case"):
        return None
    escalated = (
        visible_requests(user)
        .filter(escalation_level__gte=ESCALATED_LEVEL, state__in=OPEN_STATES)
        .exclude(case__status=CLOSED)
    )
    escalated_total = escalated.count()
    escalated_rows = list(
        escalated.select_related("case__household", "organisation").order_by("due_on", "id")[
            :START_SIZE
        ]
    )
    idle = without_next_step(user)
    idle_total = idle.count()
    idle_rows = list(idle.select_related("household").order_by("opened_on", "id")[:START_SIZE])
    events.start_page_listed(
        request,
        name="escalated cases",
        shown=[f"{r.case.household.pseudonym} {r.reference}" for r in escalated_rows]
        + [case.household.pseudonym for case in idle_rows],
    )
    return {
        "template": "journeys/_start_coordinator.html",
        "escalated": escalated_rows,
        "escalated_total": escalated_total,
        "idle": idle_rows,
        "idle_total": idle_total,
        "size": START_SIZE,
    }


SECTIONS = (professional_section, decision_maker_section, coordinator_section)
