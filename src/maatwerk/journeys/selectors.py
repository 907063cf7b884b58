"""Reads of requests and journeys. Which requests a user may see is decided here, by
``visible_requests``, derived from the root of the policy (``cases.selectors.visible_cases``);
everything else here starts from it (docs/access.md)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.labels import ids_as_ints
from maatwerk.cases.audience import digest, shared_perspective
from maatwerk.cases.models import Case, Perspective
from maatwerk.cases.selectors import visible_cases
from maatwerk.register.models import EscalationStep

from .calendar import overdue_from
from .jobs import parse_notice_key, request_url
from .models import CounterArgument, EventType, JourneyEvent, Notification, Request
from .workflow import AWAITING_ORGANISATION, OPEN_STATES, overdue_q

INTAKE_ATTENTION_DAYS = 14


def visible_requests(user):
    """The requests this user may see, part of the same policy: those of the cases the
    user may see, and — for a decision maker — the submitted requests addressed to
    the user's own organisation (only their shared parts are shown; see
    journeys.selectors.shared_view)."""
    if not user.is_authenticated or not user.is_active:
        return Request.objects.none()
    mine = Q(case__in=visible_cases(user).values("pk"))
    if user.has_perm("journeys.decide_request") and user.organisation_id:
        mine |= Q(organisation_id=user.organisation_id) & ~Q(state=Request.State.DRAFT)
    return Request.objects.filter(mine)


def case_requests(user, case: Case) -> list[Request]:
    """The requests of a case, for its case page (the page's reader may see the case)."""
    return list(case.requests.select_related("organisation").order_by("id"))


def may_see_case_of(user, req) -> bool:
    """Whether the user sees the whole case behind a request (not only what was shared)."""
    return visible_cases(user).filter(pk=req.case_id).exists()


def request_refused(pk, *, detail: str = NOT_VISIBLE) -> Refused:
    """The refusal of request ``pk`` (a 404), logged with its household's pseudonym."""
    pseudonym = (
        Request.objects.filter(pk=pk).values_list("case__household__pseudonym", flat=True).first()
    )
    return Refused(
        object_type=Request._meta.label_lower,
        object_id=pk,
        household=pseudonym or "",
        detail=detail if pseudonym is not None else NO_SUCH_OBJECT,
    )


def hidden_request(kwarg: str):
    """For ``permission_required(..., hide=hidden_request("pk"))``."""
    return lambda kwargs: request_refused(kwargs[kwarg])


def request_for(user, pk) -> Request:
    """One request the user may see, or a 404 (``request_refused``, logged)."""
    req = (
        visible_requests(user)
        .select_related(
            "case__household", "organisation", "regulation", "legal_ground", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if req is None:
        raise request_refused(pk)
    return req


@dataclass
class SharedView:
    """What an organisation gets to see of a request: nothing else of the case."""

    request: Request
    perspective: Perspective | None
    plan_excerpt: str
    extra_shared: str
    events: list[JourneyEvent]


def shared_view(req: Request) -> SharedView:
    """What the decision maker's page shows. Not scoped here: ``req`` comes from
    ``request_for`` (the policy); this narrows it down to what the household agreed to
    share. The perspective is at most the whole household's current words, and only
    when the whole household may hear them (``cases.audience.shared_perspective``):
    never a member's words, never words for the professionals only."""
    perspective = shared_perspective(req.case_id) if req.share_perspective else None
    return SharedView(
        request=req,
        perspective=perspective,
        plan_excerpt=req.plan_excerpt,
        extra_shared=req.extra_shared,
        events=list(req.events.select_related("entered_by", "escalated_to").order_by("on", "id")),
    )


@dataclass
class SharedPiece:
    """One piece of what an organisation gets to see of a request."""

    ref: str  # for the access log: what it is, never its text ("perspective 57 v2")
    label: str
    text: str


def shared_pieces(req: Request) -> list[SharedPiece]:
    """Exactly what the organisation's decision maker will see of this request (the
    parts of ``shared_view`` the case team writes), for the preview before sending and
    for the log. Works on a request that is not saved yet, too."""
    pieces = [SharedPiece("subject", _("What is asked"), req.subject)]
    if req.regulation_id or req.rule_text:
        rule = ": ".join(part for part in (str(req.regulation or ""), req.rule_text) if part)
        pieces.append(SharedPiece("rule", _("Rule an exception is needed from"), rule))
    if req.legal_ground_id:
        pieces.append(SharedPiece("ground", _("Exception ground"), req.legal_ground.title))
    perspective: Perspective | None = (
        shared_perspective(req.case_id) if req.share_perspective else None
    )
    if perspective is not None:
        pieces.append(
            SharedPiece(
                f"perspective {perspective.pk} v{perspective.version}",
                _("The household's perspective"),
                perspective.text,
            )
        )
    if req.plan_excerpt:
        pieces.append(SharedPiece("plan excerpt", _("From the plan"), req.plan_excerpt))
    if req.extra_shared:
        pieces.append(SharedPiece("more (with legal basis)", _("Also shared"), req.extra_shared))
    return pieces


def share_digest(req: Request) -> str:
    """A fingerprint of what sending this request shares: a confirmation given after
    the preview holds only for exactly that."""
    return digest(req.organisation_id, [(piece.ref, piece.text) for piece in shared_pieces(req)])


@dataclass
class Step:
    event: JourneyEvent
    day: int  # days since the case's first submission
    waited: int  # days since the previous step of this request


@dataclass
class Lane:
    request: Request
    steps: list[Step] = field(default_factory=list)
    rounds: int = 0  # times submitted
    redirects: int = 0
    waiting_days: int | None = None  # days the current wait has lasted (open requests)


def journey_lanes(case, *, today: date | None = None) -> tuple[list[Lane], date | None]:
    """One lane per request of the case, with day counts for the time axis.

    Not scoped here: it starts from a case the caller got from ``visible_cases``
    (``case_for``), and everyone who sees the case sees all its requests."""
    today = today or timezone.localdate()
    requests = list(Request.objects.filter(case=case).select_related("organisation").order_by("id"))
    events = (
        JourneyEvent.objects.filter(request__case=case)
        .select_related("entered_by", "escalated_to")
        .order_by("on", "id")
    )
    by_request: dict[int, list[JourneyEvent]] = {}
    for event in events:
        by_request.setdefault(event.request_id, []).append(event)
    starts = [e[0].on for e in by_request.values() if e]
    origin = min(starts) if starts else None
    lanes = []
    for req in requests:
        lane = Lane(request=req)
        previous = None
        for event in by_request.get(req.pk, []):
            lane.steps.append(
                Step(
                    event=event,
                    day=(event.on - origin).days,
                    waited=(event.on - previous).days if previous else 0,
                )
            )
            previous = event.on
            lane.rounds += event.type == EventType.SUBMITTED
            lane.redirects += event.type == EventType.REDIRECTED
        if req.state in AWAITING_ORGANISATION and previous:
            lane.waiting_days = (today - previous).days
        lanes.append(lane)
    return lanes, origin


# --- What needs attention (work queue, case list) ---------------------------------

S = Request.State


def with_request_attention(requests):
    """Annotate what the attention rules need: the date of the last step, and whether a
    condition is open that the household has not agreed to (not corrected later)."""
    events = JourneyEvent.objects.filter(request=OuterRef("pk"))
    open_conditions = (
        JourneyEvent.objects.filter(
            request=OuterRef("pk"), type=EventType.CONDITION_ADDED, corrections__isnull=True
        )
        .filter(Q(household_agrees=False) | Q(household_agrees__isnull=True))
        .order_by("on", "id")
    )
    return requests.annotate(
        last_on=Subquery(events.order_by("-on", "-id").values("on")[:1]),
        condition_open=Exists(open_conditions),
        condition_text=Subquery(open_conditions.values("text")[:1]),
    )


def attention_conditions(today: date) -> dict[str, Q]:
    """On requests annotated by with_request_attention: overdue (from the working day
    after the due date, or flagged by the job), a condition the household has not
    agreed to, a refusal without follow-up for REFUSAL_FOLLOW_UP_DAYS, and waiting."""
    follow_up = today - timedelta(days=settings.REFUSAL_FOLLOW_UP_DAYS)
    return {
        "overdue": overdue_q(today),
        "conditions": Q(condition_open=True) & Q(state__in=[*OPEN_STATES, S.APPROVED]),
        "refusals": Q(state=S.REFUSED, last_on__lte=follow_up),
        "waiting": Q(state__in=OPEN_STATES, first_submitted_on__isnull=False),
    }


def requests_needing_attention(today: date):
    """Requests that are overdue, carry a condition the household has not agreed to, or
    were refused without a follow-up (for the case list's "needs attention").

    Not scoped here: it is only ever used as a correlated subquery on cases that
    already come from ``visible_cases`` (``with_attention``)."""
    rules = attention_conditions(today)
    return with_request_attention(Request.objects.all()).filter(
        rules["overdue"] | rules["conditions"] | rules["refusals"]
    )


def counter_arguments(reason: str) -> list[dict]:
    """The active counter-arguments for a refusal reason: reference data, no case data,
    so not scoped."""
    english = (get_language() or "nl").startswith("en")
    return [
        {
            "text": argument.text_en if english else argument.text_nl,
            "grounds": list(argument.legal_grounds.all()),
        }
        for argument in CounterArgument.objects.filter(reason=reason, active=True).prefetch_related(
            "legal_grounds"
        )
    ]


def earlier_approvals(req: Request) -> dict:
    """How often the same organisation, or any organisation for the same rule, granted
    an approval before — counted across all cases, so no case data is shown.

    Not scoped on purpose: it returns counts only, never a row of another case."""
    approved = Request.objects.filter(state=Request.State.APPROVED).exclude(pk=req.pk)
    counts = approved.aggregate(
        same_organisation=Count("pk", filter=Q(organisation_id=req.organisation_id)),
        same_rule=Count("pk", filter=Q(regulation_id=req.regulation_id))
        if req.regulation_id
        else Count("pk", filter=Q(pk__in=[])),
    )
    return counts


# --- The work queue and the decision maker's inbox -------------------------------

QUEUE_SECTION_SIZE = 25


def queue_sections(user, *, scope: str, today: date) -> tuple[dict, dict]:
    """The four lists of the work queue (each at most QUEUE_SECTION_SIZE rows) and
    their totals: a constant number of queries, whatever the number of requests."""
    requests = visible_requests(user)
    if scope == "mine":
        requests = requests.filter(case__owner=user)
    else:
        requests = requests.filter(case__team__members=user, case__team__active=True)
    requests = with_request_attention(requests)
    conditions = attention_conditions(today)
    orderings = {
        "overdue": ["due_on", "id"],
        "conditions": ["last_on", "id"],
        "refusals": ["last_on", "id"],
        "waiting": ["first_submitted_on", "id"],
    }
    totals = requests.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
    sections = {}
    for name, condition in conditions.items():
        rows = list(
            requests.filter(condition)
            .select_related("case__household", "case__owner", "organisation")
            .order_by(*orderings[name])[:QUEUE_SECTION_SIZE]
        )
        for row in rows:
            row.days_since_last = (today - row.last_on).days if row.last_on else None
            row.days_since_first = (
                (today - row.first_submitted_on).days if row.first_submitted_on else None
            )
        sections[name] = rows
    return sections, totals


def inbox_requests(user) -> QuerySet[Request]:
    """The submitted requests addressed to the user's organisation, within what the
    access policy lets the user see."""
    if not user.organisation_id:
        return Request.objects.none()
    return (
        visible_requests(user)
        .filter(organisation_id=user.organisation_id)
        .exclude(state=Request.State.DRAFT)
    )


__all__ = [
    "QUEUE_SECTION_SIZE",
    "Lane",
    "SharedView",
    "Step",
    "attention_conditions",
    "counter_arguments",
    "earlier_approvals",
    "inbox_requests",
    "journey_lanes",
    "may_see_case_of",
    "notification_rows",
    "notifications_for",
    "queue_sections",
    "request_for",
    "requests_needing_attention",
    "share_digest",
    "shared_pieces",
    "shared_view",
    "unread_count",
    "visible_requests",
    "with_request_attention",
]


def with_attention(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate ``needs_attention``: a safety concern, an intake older than
    INTAKE_ATTENTION_DAYS days, or a request that needs attention (overdue, a condition
    the household has not agreed to, a refusal without follow-up)."""
    today = timezone.localdate()
    stale_intake = today - timedelta(days=INTAKE_ATTENTION_DAYS)
    requests = requests_needing_attention(today).filter(case=OuterRef("pk"))
    return cases.annotate(
        needs_attention=CaseWhen(
            When(safety_concern=True, then=Value(True)),
            When(status=Case.Status.INTAKE, opened_on__lte=stale_intake, then=Value(True)),
            When(Exists(requests), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


# --- Notifications ---------------------------------------------------------------


def notifications_for(user) -> QuerySet[Notification]:
    """The user's own notifications about requests the user may (still) see: the
    access policy decides here too, so a notice never outlives the access."""
    return Notification.objects.filter(
        recipient=user, request__in=visible_requests(user).values("pk")
    )


def unread_count(user) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def notification_rows(user, notices: list[Notification]) -> list[dict]:
    """What the notifications page shows of each notice: the link (the work page for
    whoever sees the case, the decide page for a decision maker), and for an overdue
    notice its due date, since when, the proposed level and its contact."""
    case_ids = {notice.request.case_id for notice in notices}
    whole_case = set(visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    parsed = {notice.pk: parse_notice_key(notice.key) for notice in notices}
    wanted = {(n.request.organisation_id, p[2]) for n in notices if (p := parsed[n.pk])}
    contacts = {}
    if wanted:
        steps = EscalationStep.objects.filter(
            organisation_id__in={org for org, _level in wanted},
            level__in={level for _org, level in wanted},
        ).select_related("contact")
        contacts = {(step.organisation_id, step.level): step.contact for step in steps}
    rows = []
    for notice in notices:
        req = notice.request
        row = {
            "notice": notice,
            "request": req,
            "url": request_url(req.pk, whole_case=req.case_id in whole_case),
            "due_on": None,
            "since": None,
            "level": None,
            "level_label": "",
            "contact": None,
        }
        if key := parsed[notice.pk]:
            _request_id, due_on, level = key
            contact = contacts.get((req.organisation_id, level))
            row.update(
                due_on=due_on,
                since=overdue_from(due_on),
                level=level,
                level_label=EscalationStep.Level(level).label,
                contact=contact if contact is not None and contact.active else None,
            )
        rows.append(row)
    return rows


# --- What the case search finds (cases.extensions.register_search_text) -------------


def search_text(case_ids: list[int]) -> dict[int, dict[str, str]]:
    """Per case: what its requests ask and of which rule, and the organisations asked.
    Not scoped: it only feeds ``cases.search``, whose search applies the policy."""
    texts: dict[int, dict[str, list[str]]] = {}
    rows = (
        Request.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "id")
        .values_list("case_id", "subject", "rule_text", "organisation__name")
    )
    for case_id, subject, rule_text, organisation in rows:
        parts = texts.setdefault(case_id, {"requests": [], "organisations": []})
        parts["requests"] += [text for text in (subject, rule_text) if text]
        parts["organisations"].append(organisation)
    return {
        case_id: {name: "\n".join(values) for name, values in parts.items()}
        for case_id, parts in texts.items()
    }


# --- Names for the access log's page (audit.labels) ----------------------------------
# Unscoped on purpose: they name the objects of log rows for the privacy officer.


def log_labels_request(ids: list[str]) -> dict[str, str]:
    rows = Request.objects.filter(pk__in=ids_as_ints(ids)).values_list(
        "pk", "reference", "organisation__name"
    )
    return {
        str(pk): _("request %(reference)s to %(organisation)s")
        % {"reference": reference, "organisation": organisation}
        for pk, reference, organisation in rows
    }


def log_labels_journey_event(ids: list[str]) -> dict[str, str]:
    rows = JourneyEvent.objects.filter(pk__in=ids_as_ints(ids)).values_list(
        "pk", "type", "request__reference"
    )
    return {
        str(pk): _("step “%(type)s” of request %(reference)s")
        % {"type": EventType(type).label, "reference": reference}
        for pk, type, reference in rows
    }
