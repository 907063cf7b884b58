"""Demo cases: the seven example situations of the domain primer, told in our own
words, as a professional and the household would write them. Every household, place
and organisation detail is fictitious.

Everything goes through the services (``case_open``, ``perspective_record``,
``plan_save_version``, ``plan_record_agreement``), so the demo data is validated and
written to the access log like real work.

Idempotent: a demo case is recognised by its team and the text of its first
perspective. That first version is append-only and kept unchanged forever, so the key
cannot be edited away in the application; a situation whose case already exists is
skipped as a whole. (Changing a first perspective below therefore adds a new case on
the next run, next to the old one.)
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from maatwerk.accounts.models import Team, User
from maatwerk.cases.models import Case, Perspective, PlanVersion
from maatwerk.cases.plans import (
    CostInput,
    PlanContent,
    plan_record_agreement,
    plan_save_version,
    sentences,
)
from maatwerk.cases.selectors import latest_version
from maatwerk.cases.services import case_open, perspective_record
from maatwerk.register.models import LegalGround, LifeDomain, Organisation, ReferenceCost

ZAANSTAD = ("Wijkteam Zaandam-Oost", "professional")
UTRECHT = ("Buurtteam Overvecht", "professional2")


def organisation_named(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def domains_by_code(*codes: str) -> list[LifeDomain]:
    found = {d.code: d for d in LifeDomain.objects.filter(code__in=codes)}
    return [found[code] for code in codes]


def grounds_by_code(*codes: str) -> list[LegalGround]:
    found = {g.code: g for g in LegalGround.objects.filter(code__in=codes)}
    return [found[code] for code in codes]


def reference_cost(code: str) -> ReferenceCost:
    return ReferenceCost.objects.get(code=code)


def said(text: str, start: str) -> str:
    """The one sentence of ``text`` that starts with ``start`` (for linking a goal to
    the household's words; fails loudly when the demo text and the link diverge)."""
    found = [s for s in sentences(text) if s.startswith(start)]
    if len(found) != 1:
        raise ValueError(f"expected one sentence starting with {start!r}, found {found}")
    return found[0]


def cost(kind: str, description: str, amount: str, reference: str | None = None) -> CostInput:
    return CostInput(
        kind=kind,
        description=description,
        amount=Decimal(amount),
        reference_cost=reference_cost(reference) if reference else None,
    )


@dataclass
class Story:
    """One demo case being written: short-hand for the service calls."""

    case: Case
    user: User
    today: date

    def day(self, days_after_opening: int) -> date:
        return min(self.case.opened_on + timedelta(days=days_after_opening), self.today)

    def due(self, days_from_today: int) -> date:
        return self.today + timedelta(days=days_from_today)

    def perspective(
        self,
        text: str,
        *,
        on: date,
        confirmation: str,
        member: str = "",
        problems_start: str | None = None,
    ) -> Perspective:
        return perspective_record(
            request=None,
            user=self.user,
            case=self.case,
            text=text,
            confirmation=confirmation,
            recorded_on=on,
            based_on_version=latest_version(self.case, member),
            member=member,
            problems_start_domain=domains_by_code(problems_start)[0] if problems_start else None,
        )

    def plan(self, content: PlanContent, previous: PlanVersion | None = None) -> PlanVersion:
        return plan_save_version(
            request=None,
            user=self.user,
            case=self.case,
            content=content,
            plan=previous.plan if previous else None,
            based_on=previous.number if previous else 0,
        )

    def agree(self, version: PlanVersion, *, how: str, words: str) -> None:
        plan_record_agreement(
            request=None,
            user=self.user,
            version=version,
            agreed_on=self.today,
            how=how,
            words=words,
        )


def open_case(
    where: tuple[str, str],
    *,
    days_ago: int,
    perspective: str,
    needed: str,
    domains: list[str],
    composition: str,
    adults: int,
    children: int,
    deciding: list[str],
    problems_start: str,
    safety_concern: bool = False,
) -> Story | None:
    """Open the case, or return None when this demo case exists already."""
    team_name, username = where
    team = Team.objects.get(name=team_name)
    if Perspective.objects.filter(case__team=team, member="", version=1, text=perspective).exists():
        return None
    user = User.objects.get(username=username)
    today = timezone.localdate()
    life_domains = domains_by_code(*domains)
    case = case_open(
        request=None,
        user=user,
        team=team,
        perspective=perspective,
        needed=needed,
        life_domains=life_domains,
        primary_domain=life_domains[0],
        composition=composition,
        adults=adults,
        children=children,
        safety_concern=safety_concern,
        deciding_organisations=[organisation_named(name) for name in deciding],
        problems_start_domain=domains_by_code(problems_start)[0],
        opened_on=today - timedelta(days=days_ago),
    )
    return Story(case, user, today)
