"""Reads of case data. ``visible_cases`` is the root of the need-to-know policy: every
list, search and detail page of case data starts from it, so a list can never show
what a detail page would refuse. Who sees a case is decided here and nowhere else;
the apps above cases own the policy of their own rows and derive it from
``visible_cases`` (``journeys.selectors.visible_requests``,
``budgets.selectors.visible_spends``, ``meetings.selectors.visible_meetings``, …).
The whole policy as a table: docs/access.md.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from maatwerk.audit.access import NO_SUCH_OBJECT, NOT_VISIBLE, Refused
from maatwerk.audit.labels import ids_as_ints

from .extensions import annotate_case_list
from .models import Case, Perspective, PlanVersion

ESCALATED_LEVEL = 4  # the national escalation team: where the coordinators come in


def visible_cases(user) -> QuerySet[Case]:
    """The cases this user may see: those of the user's own teams; for coordinators
    (``cases.view_escalated_case``) also the cases with a request escalated to the
    national escalation team; with the maintenance permission (functional management)
    all of them. Every read is logged like any other."""
    if not user.is_authenticated or not user.is_active or not user.has_perm("cases.view_case"):
        return Case.objects.none()
    if user.has_perm("cases.maintain_case"):
        return Case.objects.all()
    scope = Q(team__members=user, team__active=True)
    if user.has_perm("cases.view_escalated_case"):
        scope |= Q(requests__escalation_level__gte=ESCALATED_LEVEL)
    return Case.objects.filter(pk__in=Case.objects.filter(scope).values("pk"))


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


def case_for(user, pk) -> Case:
    """One case, or 404 for everyone who may not see it (never a 403: the case's
    existence is itself not shared). The refusal is logged with the household's
    pseudonym (``case_refused``)."""
    case = (
        visible_cases(user)
        .select_related("household", "primary_domain", "owner", "team__organisation")
        .prefetch_related("life_domains", "deciding_organisations")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise case_refused(pk)
    return case


def case_search(
    *,
    user,
    scope: str = "team",
    query: str = "",
    status: str = "",
    domain: str = "",
    attention: bool = False,
) -> QuerySet[Case]:
    cases = annotate_case_list(visible_cases(user))
    if scope == "mine":
        cases = cases.filter(owner=user)
    if query:
        cases = cases.filter(Q(household__pseudonym__iexact=query) | Q(reference__icontains=query))
    if status:
        cases = cases.filter(status=status)
    if domain:
        cases = cases.filter(life_domains__code=domain)
    if attention:
        cases = cases.filter(needs_attention=True)
    return (
        cases.select_related("household", "primary_domain", "owner")
        .prefetch_related("life_domains")
        .distinct()
        .order_by("-opened_on", "-id")
    )


def current_perspectives(case: Case) -> list[dict]:
    """Per voice: the current version and, when different, the first one. Not scoped
    here: it starts from a case the caller got from ``visible_cases`` (``case_for``)."""
    rows = list(
        Perspective.objects.filter(case=case)
        .select_related("problems_start_domain", "recorded_by")
        .order_by("member", "version")
    )
    voices: dict[str, dict] = {}
    for row in rows:
        voice = voices.setdefault(row.member, {"member": row.member, "first": row})
        voice["current"] = row
    return list(voices.values())


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
