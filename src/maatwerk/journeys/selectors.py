"""Reads of requests and journeys. Which requests a user may see is decided here, by
``visible_requests``, derived from the root of the policy (``cases.selectors.visible_cases``);
everything else here starts from it (docs/access.md)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.labels import ids_as_ints
from maatwerk.cases.audience import digest, shared_perspective
from maatwerk.cases.models import Case, Perspective, PlanDocument
from maatwerk.cases.selectors import plan_actions_to_do, visible_cases
from maatwerk.register.models import EscalationStep

from .models import (
    Attachment,
    AttachmentKind,
    CounterArgument,
    EventType,
    JourneyEvent,
    Request,
)
from .workflow import (
    AWAITING_ORGANISATION,
    BEYOND_ROUTE,
    FORWARDABLE_STATES,
    OPEN_STATES,
    RESTARTS_CLOCK,
    overdue_q,
    proposed_level,
)


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
    # For a forwarded request: who redirected it here, when and why (the other
    # organisation's name, the date and the typed reason; nothing else of its request).
    redirected_by: JourneyEvent | None = None


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
        redirected_by=forwarded_because(req),
    )


def forwarded_because(req: Request) -> JourneyEvent | None:
    """The redirect (or refusal) of the request ``req`` was forwarded from, with its
    request's organisation: why this request came to its organisation."""
    if not req.forwarded_from_id:
        return None
    return (
        JourneyEvent.objects.filter(
            request_id=req.forwarded_from_id,
            type__in=[EventType.REDIRECTED, EventType.REFUSED],
        )
        .select_related("request__organisation")
        .order_by("-on", "-id")
        .first()
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
        .select_related("entered_by", "escalated_to", "forwarded_to")
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


# --- Attachments ---------------------------------------------------------------------


def request_attachments(req: Request, *, whole_case: bool) -> list[Attachment]:
    """The attachments of a request the caller got from ``request_for``: all of them for
    the case team (``whole_case``), only those shared with the organisation otherwise."""
    attachments = Attachment.objects.filter(request=req).select_related("uploaded_by")
    if not whole_case:
        attachments = attachments.filter(shared_with_organisation=True)
    return list(attachments.order_by("id"))


def shared_plan_documents(req: Request) -> list[PlanDocument]:
    """The documents of the case's plans shared with the organisations the case asks,
    for the decision maker of a request the caller got through the policy (the decide
    page's ``_request_to_decide``): a request of the case to their organisation."""
    return list(
        PlanDocument.objects.filter(plan__case_id=req.case_id, shared_with_organisations=True)
        .select_related("plan")
        .order_by("id")
    )


def attachment_refused(pk, *, detail: str = NOT_VISIBLE) -> Refused:
    pseudonym = (
        Attachment.objects.filter(pk=pk)
        .values_list("request__case__household__pseudonym", flat=True)
        .first()
    )
    return Refused(
        object_type=Attachment._meta.label_lower,
        object_id=pk,
        household=pseudonym or "",
        detail=detail if pseudonym is not None else NO_SUCH_OBJECT,
    )


def hidden_attachment(kwarg: str):
    """For ``permission_required(..., hide=hidden_attachment("pk"))``."""
    return lambda kwargs: attachment_refused(kwargs[kwarg])


def attachment_for(user, pk) -> tuple[Attachment, bool]:
    """One attachment the user may download, and whether the user sees the whole case;
    or a 404 (logged). The case team sees every attachment of its requests; a decision
    maker of the addressed organisation only those shared with the organisation, of a
    submitted request."""
    attachment = (
        Attachment.objects.select_related("request__case__household", "request__organisation")
        .filter(pk=pk, request__in=visible_requests(user).values("pk"))
        .first()
    )
    if attachment is None:
        raise attachment_refused(pk)
    req = attachment.request
    if may_see_case_of(user, req):
        return attachment, True
    if (
        attachment.shared_with_organisation
        and user.has_perm("journeys.decide_request")
        and user.organisation_id == req.organisation_id
        and req.state != Request.State.DRAFT
    ):
        return attachment, False
    raise attachment_refused(pk, detail="attachment not shared with the organisation")


# --- Due dates and the next step ------------------------------------------------------


def response_target(organisation, level: int) -> int:
    """The working days an organisation has to answer a request at escalation ``level``:
    after an escalation, the target of the level escalated to (its own target in the
    register, or that of its contact's organisation: the national escalation team's for
    level 4); before any escalation, or without a route for the level, the
    organisation's own. Reference data only, not scoped."""
    if level:
        step = (
            EscalationStep.objects.filter(organisation=organisation, level=level)
            .select_related("contact__organisation")
            .first()
        )
        if step is not None:
            return step.target_days
    return organisation.response_target_days


@dataclass
class DueBasis:
    """How a request's due date was computed, for the request page."""

    days: int
    event: JourneyEvent
    level: int
    step: EscalationStep | None


def due_basis(req: Request, events: list[JourneyEvent], steps) -> DueBasis | None:
    """The step that started the current clock, the level the request was at then and
    the number of working days used (``Request.due_days``, stored when it was computed;
    for a due date from before it was stored, the organisation's target)."""
    if req.due_on is None:
        return None
    level = 0
    start = None
    for event in events:
        if event.type == EventType.ESCALATED and event.level:
            level = event.level
        if event.type in RESTARTS_CLOCK:
            start = (event, level)
    if start is None:
        return None
    event, level = start
    step = next((step for step in steps if step.level == level), None) if level else None
    days = req.due_days or req.organisation.response_target_days
    return DueBasis(days=days, event=event, level=level, step=step)


@dataclass
class NextStep:
    """What the request page proposes next for an open request."""

    level: int | None  # the escalation level to propose, None beyond the route
    step: EscalationStep | None
    beyond_route: bool


def next_step(req: Request, steps) -> NextStep | None:
    """For an open request: the next escalation level of the route (with its contact),
    or — already at the highest level — the doorbraaktafel or the coordinator."""
    if req.state not in OPEN_STATES:
        return None
    level = proposed_level(req.escalation_level)
    if level == BEYOND_ROUTE:
        return NextStep(level=None, step=None, beyond_route=True)
    step = next((step for step in steps if step.level == level), None)
    return NextStep(level=level, step=step, beyond_route=False)


def may_forward(req: Request) -> bool:
    return req.state in FORWARDABLE_STATES


# --- What needs attention (work queue, case list) ---------------------------------

S = Request.State


def _open_conditions():
    """The conditions of the outer request that the household has not agreed to (and
    that were not corrected later), oldest first."""
    return (
        JourneyEvent.objects.filter(
            request=OuterRef("pk"), type=EventType.CONDITION_ADDED, corrections__isnull=True
        )
        .filter(Q(household_agrees=False) | Q(household_agrees__isnull=True))
        .order_by("on", "id")
    )


def _last_on():
    """The date of the outer request's last step."""
    events = JourneyEvent.objects.filter(request=OuterRef("pk"))
    return Subquery(events.order_by("-on", "-id").values("on")[:1])


def with_request_attention(requests):
    """Annotate what the queue shows of a request that needs attention: the date of the
    last step, and the text of the oldest open condition. Only for the rows shown
    (the rules themselves, ``attention_conditions``, need no annotation)."""
    return requests.annotate(
        last_on=_last_on(),
        condition_text=Subquery(_open_conditions().values("text")[:1]),
    )


def attention_conditions(today: date) -> dict[str, Q]:
    """Filters on any queryset of requests: overdue (from the working day after the
    due date, or flagged by the job), a condition the household has not agreed to, a
    refusal without follow-up for REFUSAL_FOLLOW_UP_DAYS, and waiting. Each per-request
    subquery sits behind a test of the request's state, so it runs only for the
    requests in that state (not for every request of a team, issue 17)."""
    follow_up = today - timedelta(days=settings.REFUSAL_FOLLOW_UP_DAYS)
    later_steps = JourneyEvent.objects.filter(request=OuterRef("pk"), on__gt=follow_up)
    return {
        "overdue": overdue_q(today),
        "conditions": Q(state__in=[*OPEN_STATES, S.APPROVED]) & Q(Exists(_open_conditions())),
        # The last step on or before the follow-up day: no step after it (a refused
        # request always has its refusal as a step).
        "refusals": Q(state=S.REFUSED) & ~Q(Exists(later_steps)),
        "waiting": Q(state__in=OPEN_STATES, first_submitted_on__isnull=False),
    }


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


# --- The work queue and the decision maker's inbox -------------------------------

QUEUE_SECTION_SIZE = 25


def queue_sections(user, *, scope: str, today: date) -> tuple[dict, dict]:
    """The four lists of the work queue (each at most QUEUE_SECTION_SIZE rows) and
    their totals, in six queries whatever the number of requests: the four totals in
    one aggregate, the ids of each list (paged first), then the rows shown, with what
    they show (``with_request_attention``) computed for those rows only."""
    requests = visible_requests(user)
    if scope == "mine":
        requests = requests.filter(case__owner=user)
    else:
        requests = requests.filter(case__team__members=user, case__team__active=True)
    conditions = attention_conditions(today)
    totals = requests.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
    ordered = {
        "overdue": requests.order_by("due_on", "id"),
        "conditions": requests.annotate(last_on=_last_on()).order_by("last_on", "id"),
        "refusals": requests.annotate(last_on=_last_on()).order_by("last_on", "id"),
        "waiting": requests.order_by("first_submitted_on", "id"),
    }
    ids = {
        name: list(
            ordered[name].filter(condition).values_list("pk", flat=True)[:QUEUE_SECTION_SIZE]
        )
        for name, condition in conditions.items()
    }
    shown = {pk for section in ids.values() for pk in section}
    rows = {
        row.pk: row
        for row in with_request_attention(Request.objects.filter(pk__in=shown)).select_related(
            "case__household", "case__owner", "organisation"
        )
    }
    for row in rows.values():
        row.days_since_last = (today - row.last_on).days if row.last_on else None
        row.days_since_first = (
            (today - row.first_submitted_on).days if row.first_submitted_on else None
        )
    sections = {name: [rows[pk] for pk in section] for name, section in ids.items()}
    return sections, totals


def queue_actions(user, *, scope: str, today: date) -> tuple[list, dict]:
    """The plan actions of the work queue: the open actions given to the user ("mine")
    or of the user's teams' cases ("team"), past their date first (the same list as
    "Actions to do", ``cases.selectors.plan_actions_to_do``), at most
    QUEUE_SECTION_SIZE rows, and their totals. Two queries whatever the number."""
    actions = plan_actions_to_do(user, scope=scope)
    totals = actions.aggregate(
        actions=Count("pk"), actions_late=Count("pk", filter=Q(due_on__lt=today))
    )
    rows = list(actions[:QUEUE_SECTION_SIZE])
    for row in rows:
        row.late = row.due_on is not None and row.due_on < today
    return rows, totals


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
    "attachment_for",
    "attention_conditions",
    "counter_arguments",
    "due_basis",
    "inbox_requests",
    "journey_lanes",
    "may_forward",
    "may_see_case_of",
    "next_step",
    "queue_actions",
    "queue_sections",
    "request_attachments",
    "request_for",
    "response_target",
    "share_digest",
    "shared_pieces",
    "shared_plan_documents",
    "shared_view",
    "visible_requests",
    "with_request_attention",
]


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


def log_labels_attachment(ids: list[str]) -> dict[str, str]:
    rows = Attachment.objects.filter(pk__in=ids_as_ints(ids)).values_list(
        "pk", "kind", "request__reference"
    )
    return {
        str(pk): _("document “%(kind)s” of request %(reference)s")
        % {"kind": AttachmentKind(kind).label, "reference": reference}
        for pk, kind, reference in rows
    }
