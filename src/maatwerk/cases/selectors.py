"""Reads of case data. ``visible_cases`` is the root of the need-to-know policy: every
list, search and detail page of case data starts from it, so a list can never show
what a detail page would refuse. Who sees a case is decided here and nowhere else;
the apps above cases own the policy of their own rows and derive it from
``visible_cases`` (``journeys.selectors.visible_requests``,
``budgets.selectors.visible_spends``, ``meetings.selectors.visible_meetings``, …).
The whole policy as a table: docs/access.md.

Two ways to reach a case, decided here:

- **the policy** (``workable_cases``): the user's own teams, and for coordinators the
  cases escalated to the national team. Only this gives the right to work on a case
  (change it, send a request, spend, put it on an agenda) and to see its sensitive
  sections (``may_see_sensitive``);
- **an emergency access** (break-the-glass, ``EmergencyAccess``): a user with
  ``cases.break_glass`` opened one case with a typed reason, for a limited time. While
  it lasts the case is visible (``visible_cases``), read-only and without its
  sensitive sections; it is logged and reviewed by the privacy officer.
"""

from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as CaseWhen
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.labels import ids_as_ints

from . import search
from .attention import CODES, Reason, open_actions, reason_labels, reasons_of
from .extensions import annotate_case_list
from .models import (
    Case,
    CaseAttention,
    EmergencyAccess,
    EmergencyAccessReview,
    Perspective,
    PlanAction,
    PlanVersion,
)

ESCALATED_LEVEL = 4  # the national escalation team: where the coordinators come in

# The sensitive life domains (health, safety and domestic violence, justice): shown only
# to those who reach the case through the policy (``may_see_sensitive``).
SENSITIVE_DOMAINS = frozenset(
    {"physical_health", "mental_health", "addiction", "safety", "justice"}
)


def _may_read_cases(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm("cases.view_case")


def _policy_scope(user) -> Q:
    """The cases the user reaches through the policy, as a condition on cases."""
    # IN-subqueries, not joins: no duplicate rows, so no DISTINCT over every visible
    # case (which made the case list grow with the number of cases).
    scope = Q(team__in=user.teams.filter(active=True).values("pk"))
    if user.has_perm("cases.view_escalated_case"):
        escalated = Case.objects.filter(requests__escalation_level__gte=ESCALATED_LEVEL)
        scope |= Q(pk__in=escalated.values("pk"))
    return scope


def active_emergency_accesses(user) -> QuerySet[EmergencyAccess]:
    """The user's emergency accesses that are running now (while the user still holds
    ``cases.break_glass``)."""
    if not user.is_authenticated or not user.is_active or not user.has_perm("cases.break_glass"):
        return EmergencyAccess.objects.none()
    now = timezone.now()
    return EmergencyAccess.objects.filter(user=user, started_at__lte=now, expires_at__gt=now)


def workable_cases(user) -> QuerySet[Case]:
    """The cases the user reaches through the policy: those of the user's own (active)
    teams; for coordinators (``cases.view_escalated_case``) also the cases with a
    request escalated to the national escalation team. Working on a case (every
    change, whatever the app) needs the case to be here, not only visible."""
    if not _may_read_cases(user):
        return Case.objects.none()
    return Case.objects.filter(_policy_scope(user))


def visible_cases(user) -> QuerySet[Case]:
    """The cases this user may see: ``workable_cases``, and the cases of the user's
    running emergency accesses (break-the-glass: read-only, logged, reviewed). Every
    read is logged like any other."""
    if not _may_read_cases(user):
        return Case.objects.none()
    emergency = Q(pk__in=active_emergency_accesses(user).values("case_id"))
    return Case.objects.filter(_policy_scope(user) | emergency)


def may_work_on(user, case: Case, *, cached: bool = False) -> bool:
    """Whether the user may change this case or work on it: only through the policy,
    never through an emergency access (read-only). ``cached``: for rendering one page,
    where the page, its header, its links and its log row all ask it: the answer is
    kept on the case object (``_access_answers``, as the ``case_access`` template tags
    keep theirs), so ask it uncached wherever the case or the access may have changed
    since."""
    if not cached:
        return workable_cases(user).filter(pk=case.pk).exists()
    answers = case.__dict__.setdefault("_access_answers", {})
    key = ("work", user.pk)
    if key not in answers:
        answers[key] = workable_cases(user).filter(pk=case.pk).exists()
    return answers[key]


def may_see_sensitive(user, case: Case, *, cached: bool = False) -> bool:
    """The one rule for the sensitive sections of a case (the life domains of
    ``SENSITIVE_DOMAINS``, the safety concern, the plan's safety text): only for those
    who reach the case through the policy — its team, and coordinators once it is
    escalated to the national team. Never through an emergency access; never for
    analysts, who see no case at all; decision makers never see the case itself, only
    what was shared with them explicitly (``journeys.selectors.shared_view``)."""
    return may_work_on(user, case, cached=cached)


def with_sensitive_visible(cases: QuerySet[Case], user) -> QuerySet[Case]:
    """Annotate ``sensitive_visible`` (``may_see_sensitive`` for each case of a list)."""
    if not _may_read_cases(user):
        return cases.annotate(sensitive_visible=Value(False, output_field=BooleanField()))
    return cases.annotate(
        sensitive_visible=CaseWhen(
            When(_policy_scope(user), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def case_refused(pk, *, detail: str = NOT_VISIBLE) -> Refused:
    """The refusal of case ``pk`` (a 404): its log row carries the household's
    pseudonym, or notes that there is no such case. Raise it wherever a page of one
    case refuses a user (``case_for`` does)."""
    pseudonym = Case.objects.filter(pk=pk).values_list("household__pseudonym", flat=True).first()
    return Refused(
        object_type=Case._meta.label_lower,
        object_id=pk,
        household=pseudonym or "",
        detail=detail if pseudonym is not None else NO_SUCH_OBJECT,
    )


def hidden_case(kwarg: str):
    """For ``permission_required(..., hide=hidden_case("pk"))``: the refusal of the
    case named by the URL's ``kwarg``."""
    return lambda kwargs: case_refused(kwargs[kwarg])


def case_for(user, pk, *, for_change: bool = False) -> Case:
    """One case, or 404 for everyone who may not see it (never a 403: the case's
    existence is itself not shared); the refusal is logged with the household's
    pseudonym (``case_refused``). With ``for_change`` only a case the user may work
    on: an emergency access is read-only."""
    cases = workable_cases(user) if for_change else visible_cases(user)
    case = (
        cases.select_related("household", "primary_domain", "owner", "team__organisation")
        .prefetch_related("life_domains", "deciding_organisations")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise case_refused(pk)
    return case


def emergency_access_of(user, case: Case, *, cached: bool = False) -> EmergencyAccess | None:
    """The user's running emergency access to this case, when the user sees the case
    only through one (for the banner on the case pages and the log rows). ``cached``:
    as for ``may_work_on``."""
    if may_work_on(user, case, cached=cached):
        return None
    return active_emergency_accesses(user).filter(case=case).order_by("-expires_at").first()


def find_case_for_emergency(query: str) -> Case | None:
    """The one case whose household pseudonym or case reference is ``query`` (exactly,
    ignoring case), or None when there is none or more than one. Not scoped: it is
    only used by the break-the-glass service, which logs every attempt and tells
    "unknown" and "not allowed" apart to nobody."""
    query = (query or "").strip()
    if not query:
        return None
    matches = list(
        Case.objects.filter(Q(household__pseudonym__iexact=query) | Q(reference__iexact=query))
        .select_related("household")
        .distinct()[:2]
    )
    return matches[0] if len(matches) == 1 else None


def emergency_accesses_to_review(reviewer) -> QuerySet[EmergencyAccess]:
    """The emergency accesses without a review, oldest first, that ``reviewer`` may
    review (never their own): the privacy officer's start page. The caller checks
    ``cases.review_emergencyaccess``; the rows show who opened which case (pseudonym
    and reference) and why, never the case's content."""
    reviewed = EmergencyAccessReview.objects.filter(access=OuterRef("pk"))
    return (
        EmergencyAccess.objects.filter(~Exists(reviewed))
        .exclude(user=reviewer)
        .select_related("user", "case__household")
        .order_by("started_at", "id")
    )


def case_search(
    *,
    user,
    scope: str = "team",
    query: str = "",
    status: str = "",
    domain: str = "",
    attention: bool = False,
    organisation=None,
) -> QuerySet[Case]:
    """The case list: the visible cases matching the filters, newest first. Plain rows
    (no DISTINCT, no per-case subqueries) so that counting and paging stay cheap; what
    the list shows per row comes from ``case_list_rows`` for the shown page only. The
    "needs attention" filter reads the stored, indexed state (``cases.attention``).
    ``query`` and ``organisation``: the case search (``cases.search``)."""
    cases = visible_cases(user)
    if scope == "mine":
        cases = cases.filter(owner=user)
    if query:
        cases = search.search_filter(cases, query, text_scope=workable_cases(user))
    if organisation is not None:
        cases = search.organisation_filter(cases, organisation)
    if status:
        cases = cases.filter(status=status)
    if domain:
        with_domain = Case.life_domains.through.objects.filter(lifedomain__code=domain)
        cases = cases.filter(pk__in=with_domain.values("case_id"))
        if domain in SENSITIVE_DOMAINS:  # filtering on it must not reveal it either
            cases = with_sensitive_visible(cases, user).filter(sensitive_visible=True)
    if attention:
        cases = cases.filter(attention__needs_attention=True)
    return cases.order_by("-opened_on", "-id")


def case_list_rows(case_ids: list[int], user) -> list[Case]:
    """The shown page of the case list, in the order of ``case_ids``, with what each row
    shows (household, domains, owner, whether the sensitive sections may show, the
    stored attention and its reasons, and the annotations registered in
    ``cases.extensions``), computed for these rows only. The ids come from
    ``case_search`` (the policy)."""
    rows = (
        with_sensitive_visible(annotate_case_list(Case.objects.filter(pk__in=case_ids)), user)
        .select_related("household", "primary_domain", "owner", "attention")
        .prefetch_related("life_domains")
        .in_bulk()
    )
    shown = [rows[pk] for pk in case_ids if pk in rows]
    for case in shown:
        _attach_attention(case)
    return shown


def _attach_attention(case: Case) -> None:
    """``attention_reasons`` (Dutch labels, in order), ``needs_attention`` and
    ``next_due_on`` from the stored state, without a query."""
    stored = getattr(case, "attention", None) if _has_attention(case) else None
    bits = stored.reasons if stored else 0
    case.attention_reasons = reason_labels(bits)
    case.attention_codes = [CODES[reason] for reason in reasons_of(bits)]
    case.needs_attention = bool(bits)
    case.next_due_on = stored.next_due_on if stored else None


def _has_attention(case: Case) -> bool:
    try:
        case.attention  # noqa: B018 (loaded by select_related; no query)
    except CaseAttention.DoesNotExist:
        return False
    return True


def cases_needing_attention(user, *, scope: str = "mine", reason: Reason | None = None):
    """The cases that need the user's attention now, with why (for the start pages):
    the cases the user may work on (``workable_cases``; "mine": the user owns them,
    "team": the user's teams), whose stored attention (``cases.attention``) holds a
    reason — or ``reason`` — soonest deadline first, then oldest. Each case carries
    ``attention_reasons`` (Dutch labels), ``attention_codes`` and ``next_due_on``
    once listed through ``with_attention_reasons``. A queryset: slice it, then call
    ``with_attention_reasons(list(...))`` on the page shown."""
    cases = workable_cases(user).filter(attention__needs_attention=True)
    if scope == "mine":
        cases = cases.filter(owner=user)
    if reason is not None:
        cases = cases.annotate(_reason_bit=F("attention__reasons").bitand(int(reason))).exclude(
            _reason_bit=0
        )
    return cases.select_related("household", "owner", "attention").order_by(
        F("attention__next_due_on").asc(nulls_last=True), "opened_on", "id"
    )


def plan_actions_to_do(user, *, scope: str = "mine") -> QuerySet[PlanAction]:
    """The open actions (of the plans' newest versions, not done) of the cases the user
    may work on, of open cases: "mine" those given to the user, "team" all of the
    user's teams' cases. Soonest date first, those without a date last."""
    cases = workable_cases(user).exclude(status=Case.Status.CLOSED)
    if scope == "mine":
        actions = open_actions().filter(owner=user)
    else:
        cases = cases.filter(team__in=user.teams.filter(active=True).values("pk"))
        actions = open_actions()
    return (
        actions.filter(version__plan__case__in=cases.values("pk"))
        .select_related("version__plan__case__household", "owner", "organisation")
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def with_attention_reasons(cases: list[Case]) -> list[Case]:
    """Attach the stored reasons to cases loaded with ``select_related("attention")``
    (no query)."""
    for case in cases:
        _attach_attention(case)
    return cases


def current_perspectives(case: Case) -> list[dict]:
    """Per voice: the current version, the first one, and every version (``versions``,
    newest first: the history on the case page). Not scoped here: it starts from a case
    the caller got from ``visible_cases`` (``case_for``)."""
    rows = list(
        Perspective.objects.filter(case=case)
        .select_related("problems_start_domain", "recorded_by")
        .order_by("member", "version")
    )
    voices: dict[str, dict] = {}
    for row in rows:
        voice = voices.setdefault(row.member, {"member": row.member, "first": row, "versions": []})
        voice["current"] = row
        voice["versions"].insert(0, row)
    return list(voices.values())


def current_perspective_text(case: Case, member: str) -> str:
    """The text of a voice's newest version ('' when it has none): where the form for
    a new version starts. Not scoped here: as ``latest_version``."""
    return (
        Perspective.objects.filter(case=case, member=member)
        .order_by("-version")
        .values_list("text", flat=True)
        .first()
        or ""
    )


def latest_version(case: Case, member: str) -> int:
    """The number of a voice's newest perspective version (0: none yet). Not scoped
    here: it starts from a case the caller got from ``visible_cases``."""
    return (
        Perspective.objects.filter(case=case, member=member)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    )


def can_see_identity(user, case: Case) -> bool:
    """Direct identifiers: the owning team only (not even maintenance access)."""
    return user.is_authenticated and case.team.members.filter(pk=user.pk).exists()


# --- Names for the access log's page (audit.labels) ----------------------------------
# Unscoped on purpose: they name the objects of log rows for the privacy officer, who
# reads the log, not the cases; they show pseudonyms and numbers, never a name.


def log_labels_case(ids: list[str]) -> dict[str, str]:
    rows = Case.objects.filter(pk__in=ids_as_ints(ids)).values_list("pk", "household__pseudonym")
    return {str(pk): _("case %(pseudonym)s") % {"pseudonym": pseudonym} for pk, pseudonym in rows}


def log_labels_perspective(ids: list[str]) -> dict[str, str]:
    rows = Perspective.objects.filter(pk__in=ids_as_ints(ids)).values_list("pk", "version")
    return {str(pk): _("perspective, version %(number)s") % {"number": v} for pk, v in rows}


def log_labels_plan_version(ids: list[str]) -> dict[str, str]:
    rows = PlanVersion.objects.filter(pk__in=ids_as_ints(ids)).values_list(
        "pk", "plan_id", "number"
    )
    return {
        str(pk): _("plan %(plan)s, version %(number)s") % {"plan": plan, "number": number}
        for pk, plan, number in rows
    }
