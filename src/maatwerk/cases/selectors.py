"""Reads of case data. ``visible_cases`` is THE access policy for cases: every list,
search and detail page starts from it, so a list can never show what a detail page
would refuse. Later capabilities extend it here (decision makers for their own
requests, coordinators after escalation), never elsewhere.
"""

from datetime import timedelta

from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as CaseWhen
from django.http import Http404
from django.utils import timezone

from .models import Case, Perspective

INTAKE_ATTENTION_DAYS = 14


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


def visible_requests(user):
    """The requests this user may see, part of the same policy: those of the cases the
    user may see, and — for a decision maker — the submitted requests addressed to
    the user's own organisation (only their shared parts are shown; see
    journeys.selectors.shared_view)."""
    from maatwerk.journeys.models import Request

    if not user.is_authenticated or not user.is_active:
        return Request.objects.none()
    mine = Q(case__in=visible_cases(user).values("pk"))
    if user.has_perm("journeys.decide_request") and user.organisation_id:
        mine |= Q(organisation_id=user.organisation_id) & ~Q(state=Request.State.DRAFT)
    return Request.objects.filter(mine)


def visible_budgets(user):
    """The budgets whose figures this user may see: every team's with
    ``budgets.view_all_budgets`` (coordinators), otherwise those of the user's own
    active teams (with ``budgets.view_budget``). Figures only: which case a spend was
    for stays behind ``visible_cases``."""
    from maatwerk.budgets.models import Budget

    if not user.is_authenticated or not user.is_active:
        return Budget.objects.none()
    if user.has_perm("budgets.view_all_budgets"):
        return Budget.objects.all()
    if not user.has_perm("budgets.view_budget"):
        return Budget.objects.none()
    return Budget.objects.filter(team__in=user.teams.filter(active=True).values("pk"))


def visible_spends(user):
    """The spends this user may see one by one: those of the cases the user may see,
    and — for whoever approves, corrects or settles spends — those of the budgets the
    user may see (amount, purpose, payee; the case itself only under ``visible_cases``)."""
    from maatwerk.budgets.models import Spend

    if not user.is_authenticated or not user.is_active:
        return Spend.objects.none()
    mine = Q(case__in=visible_cases(user).values("pk"))
    if any(
        user.has_perm(f"budgets.{perm}")
        for perm in ("approve_spend", "reverse_spend", "settle_spend")
    ):
        mine |= Q(budget__in=visible_budgets(user).values("pk"))
    return Spend.objects.filter(mine)


def may_see_receipt(user, spend) -> bool:
    """A receipt may name the household, so fewer people see it than the spend: those
    who may see the case, and the budget holders of the spend's own team who approve
    or correct its spends — not everyone who may read or settle the figures."""
    if visible_cases(user).filter(pk=spend.case_id).exists():
        return True
    return (
        user.has_perm("budgets.approve_spend") or user.has_perm("budgets.reverse_spend")
    ) and user.teams.filter(pk=spend.budget.team_id, active=True).exists()


def may_see_case_of(user, req) -> bool:
    """Whether the user sees the whole case behind a request (not only what was shared)."""
    return visible_cases(user).filter(pk=req.case_id).exists()


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


def with_attention(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate ``needs_attention``: a safety concern, an intake older than
    INTAKE_ATTENTION_DAYS days, or a request that needs attention (overdue, a condition
    the household has not agreed to, a refusal without follow-up)."""
    from maatwerk.journeys.selectors import requests_needing_attention

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


def case_search(
    *,
    user,
    scope: str = "team",
    query: str = "",
    status: str = "",
    domain: str = "",
    attention: bool = False,
) -> QuerySet[Case]:
    cases = with_attention(visible_cases(user))
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
    """Per voice: the current version and, when different, the first one."""
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
