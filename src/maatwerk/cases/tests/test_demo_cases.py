from datetime import timedelta

import pytest
from django.utils import timezone

from maatwerk.accounts.models import User
from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import (
    Agreement,
    Case,
    CaseEvent,
    Goal,
    Perspective,
    Plan,
    PlanAction,
    PlanVersion,
)
from maatwerk.cases.plans import plan_state
from maatwerk.cases.selectors import visible_cases
from maatwerk.cases.services import case_open
from maatwerk.demo.cases import SITUATIONS, create_demo_cases
from maatwerk.demo.load import create_demo_data
from maatwerk.register.models import LifeDomain

pytestmark = pytest.mark.django_db

COUNTED = [Case, Perspective, Plan, PlanVersion, Goal, PlanAction, Agreement, CaseEvent]


@pytest.fixture
def demo():
    create_demo_data()
    return {u.username: u for u in User.objects.filter(username__startswith="professional")}


def counts():
    return {model.__name__: model.objects.count() for model in [*COUNTED, AccessLogEntry]}


def states():
    return [plan_state(plan) for plan in Plan.objects.select_related("case")]


def test_seven_demo_cases_each_with_a_perspective_and_a_plan(demo):
    assert len(SITUATIONS) == 7
    cases = Case.objects.all()
    assert cases.count() == 7
    for case in cases:
        assert case.perspectives.filter(member="", version=1, confirmation="first").exists()
        assert PlanVersion.objects.filter(plan__case=case).exists(), case
        assert case.status in (Case.Status.PLAN, Case.Status.JOURNEY)  # journeys demo
        assert case.life_domains.filter(pk=case.primary_domain_id).exists()
        assert case.deciding_organisations.exists()


def test_demo_shows_not_agreed_drift_and_history(demo):
    plans = states()
    assert any(not s.agreed for s in plans)
    assert sum(s.agreed for s in plans) >= 5
    assert any(s.unlinked_goals for s in plans)
    assert any(s.agreed and s.perspective_changed for s in plans)
    assert any(s.latest_number > 1 for s in plans)
    assert Perspective.objects.filter(version__gt=1).exists()


def test_safety_case_has_two_voices_and_a_plan_per_voice(demo):
    case = Case.objects.get(safety_concern=True)
    voices = set(case.perspectives.values_list("member", flat=True))
    assert len(voices) == 2 and "" in voices
    assert set(case.plans.values_list("serves_member", flat=True)) == voices
    for version in PlanVersion.objects.filter(plan__case=case):
        assert version.safety.strip()
        assert version.perspective.member == version.plan.serves_member


def test_dates_are_realistic(demo):
    today = timezone.localdate()
    for case in Case.objects.all():
        assert today - timedelta(days=200) <= case.opened_on < today
        for perspective in case.perspectives.all():
            assert case.opened_on <= perspective.recorded_on <= today
    for agreement in Agreement.objects.select_related("version__plan__case"):
        assert agreement.version.plan.case.opened_on <= agreement.agreed_on <= today


def test_demo_cases_go_through_the_services_and_the_access_log(demo):
    for case in Case.objects.select_related("household"):
        assert AccessLogEntry.objects.filter(
            action=Action.CREATE,
            object_type="cases.case",
            object_id=str(case.pk),
            household=case.household.pseudonym,
            actor=case.owner,
        ).exists()
    assert AccessLogEntry.objects.filter(object_type="cases.planversion").count() == (
        PlanVersion.objects.count()
    )
    assert AccessLogEntry.objects.filter(object_type="cases.agreement").count() == (
        Agreement.objects.count()
    )


def test_running_the_demo_again_creates_nothing(demo):
    before = counts()
    create_demo_data()
    assert counts() == before
    assert create_demo_cases() == []


def test_a_case_of_ones_own_does_not_stop_or_duplicate_the_demo(demo):
    professional = demo["professional"]
    finances = LifeDomain.objects.get(code="finances")
    case_open(
        request=None,
        user=professional,
        team=professional.teams.get(),
        perspective="Ik wil rust.",
        needed="Rust",
        life_domains=[finances],
        primary_domain=finances,
        composition="single",
        adults=1,
        children=0,
        safety_concern=False,
    )
    create_demo_data()
    assert Case.objects.count() == 8


def test_each_team_sees_only_its_own_demo_cases(demo):
    first, second = demo["professional"], demo["professional2"]
    mine = set(visible_cases(first).values_list("pk", flat=True))
    theirs = set(visible_cases(second).values_list("pk", flat=True))
    assert len(mine) == 5 and len(theirs) == 2
    assert not mine & theirs
    assert mine | theirs == set(Case.objects.values_list("pk", flat=True))
    assert {c.team.name for c in visible_cases(first)} == {"Wijkteam Zaandam-Oost"}
    assert {c.team.name for c in visible_cases(second)} == {"Buurtteam Overvecht"}
