"""Reads of case data. ``visible_cases`` is the root of the need-to-know policy: every
list, search and detail page of case data starts from it, so a list can never show
what a detail page would refuse. Who sees a case is decided here and nowhere else;
the apps above cases own the policy of their own rows and derive it from
``visible_cases`` (``journeys.selectors.visible_requests``,
``budgets.selectors.visible_spends``, ``meetings.selectors.visible_meetings``, …).
The whole policy as a table: docs/access.md.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from .extensions import annotate_case_list
from .models import Case, Perspective

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
    # IN-subqueries, not joins: no duplicate rows, so no DISTINCT over every visible
    # case (which made the case list grow with the number of cases).
    scope = Q(team__in=user.teams.filter(active=True).values("pk"))
    if user.has_perm("cases.view_escalated_case"):
        escalated = Case.objects.filter(requests__escalation_level__gte=ESCALATED_LEVEL)
        scope |= Q(pk__in=escalated.values("pk"))
    return Case.objects.filter(scope)


def case_for(user, pk) -> Case:
    """One case, or 404 for everyone who may not see it (never a 403: the case's
    existence is itself not shared)."""
    case = (
        visible_cases(user)
        .select_related("household", "primary_domain", "owner", "team__organisation")
        .prefetch_related("life_domains", "deciding_organisations")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
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
    """The case list: the visible cases matching the filters, newest first. Plain rows
    (no DISTINCT, no per-case subqueries) so that counting and paging stay cheap; what
    the list shows per row comes from ``case_list_rows`` for the shown page only. The
    "needs attention" filter is the one that annotates the whole list."""
    cases = visible_cases(user)
    if scope == "mine":
        cases = cases.filter(owner=user)
    if query:
        cases = cases.filter(Q(household__pseudonym__iexact=query) | Q(reference__icontains=query))
    if status:
        cases = cases.filter(status=status)
    if domain:
        with_domain = Case.life_domains.through.objects.filter(lifedomain__code=domain)
        cases = cases.filter(pk__in=with_domain.values("case_id"))
    if attention:
        cases = annotate_case_list(cases).filter(needs_attention=True)
    return cases.order_by("-opened_on", "-id")


def case_list_rows(case_ids: list[int]) -> list[Case]:
    """The shown page of the case list, in the order of ``case_ids``, with what each row
    shows (household, domains, owner, and the annotations registered in
    ``cases.extensions``, such as journeys' ``needs_attention``), computed for these
    rows only. The ids come from ``case_search`` (the policy)."""
    rows = (
        annotate_case_list(Case.objects.filter(pk__in=case_ids))
        .select_related("household", "primary_domain", "owner")
        .prefetch_related("life_domains")
        .in_bulk()
    )
    return [rows[pk] for pk in case_ids if pk in rows]


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
