"""``maatwerk generate-data``: synthetic data at national scale, small here (tens of
cases), on whichever database the suite runs on (SQLite, and PostgreSQL in CI)."""

import itertools
import json
from collections import Counter
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Q

from maatwerk.accounts.models import Team, User
from maatwerk.accounts.roles import sync_roles
from maatwerk.audit.models import AccessLogEntry
from maatwerk.audit.verify import verify_chain
from maatwerk.budgets.models import Budget, LedgerEntry, Spend
from maatwerk.cases.attention import refresh_attention, refresh_timed_attention
from maatwerk.cases.models import (
    Case,
    CaseAttention,
    Household,
    Perspective,
    Plan,
    PlanAction,
    PlanVersion,
)
from maatwerk.cases.selectors import visible_cases
from maatwerk.demo.generate import tables as T
from maatwerk.demo.generate.digest import digest
from maatwerk.demo.generate.journeys import REASONS
from maatwerk.demo.generate.run import AlreadyGenerated, generate
from maatwerk.journeys.calendar import add_working_days, overdue_from
from maatwerk.journeys.models import CaseIntervention, JourneyEvent, Request
from maatwerk.journeys.selectors import visible_requests
from maatwerk.journeys.workflow import RESTARTS_CLOCK, TRANSITIONS
from maatwerk.learning.models import (
    NEXT_STATUSES,
    Bottleneck,
    BottleneckCategory,
    ClosingAnalysis,
    LearningPoint,
    Precedent,
)
from maatwerk.learning.selectors import analysis_due_q, search_precedents
from maatwerk.meetings.models import AgendaItem, Meeting
from maatwerk.notices.models import Notice
from maatwerk.register.models import Organisation
from maatwerk.register.seed import seed_register

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 30)
LOGIN = "/accounts/login/"


@pytest.fixture
def generated():
    """60 cases, on a fixed day (so that the figures below are the same every day)."""
    return generate(cases_count=60, seed=7, today=TODAY)


def users_of(summary, role):
    return [User.objects.get(username=u["username"]) for u in summary.users if u["role"] == role]


def test_counts_per_model_are_plausible(generated):
    cases = Case.objects.count()
    assert cases == generated.cases == 60
    assert Household.objects.count() == cases
    assert Household.objects.filter(pseudonym__startswith="HG-").count() == cases
    assert Perspective.objects.filter(member="", version=1).count() == cases
    assert cases < Perspective.objects.count() < 2 * cases
    assert 0.6 * cases < Plan.objects.count() < 1.5 * cases
    assert PlanVersion.objects.count() >= Plan.objects.count()
    requests = Request.objects.count()
    assert 0.7 * cases < requests < 2.5 * cases
    assert JourneyEvent.objects.count() > 2 * requests
    assert Budget.objects.exists() and Spend.objects.exists()
    assert Meeting.objects.exists()
    # The world: municipalities with teams, and users per role (never superusers).
    assert Team.objects.count() >= 3
    roles = Counter(
        User.objects.filter(username__startswith="gen-").values_list(
            "groups__role__code", flat=True
        )
    )
    assert set(roles) == {
        "professional",
        "budget_holder",
        "decision_maker",
        "coordinator",
        "analyst",
    }
    assert (
        roles["professional"]
        >= 4 * Team.objects.filter(members__username__startswith="gen-").distinct().count()
    )
    assert not User.objects.filter(username__startswith="gen-", is_superuser=True).exists()
    assert not User.objects.filter(username__startswith="gen-", is_staff=True).exists()
    # What was written is what was counted.
    assert generated.rows[T.CASE.name] == cases
    assert generated.rows[T.ACCESS_LOG.name] == AccessLogEntry.objects.count()


def test_every_case_is_consistent(generated):
    for case in Case.objects.prefetch_related("life_domains", "perspectives"):
        codes = {d.code for d in case.life_domains.all()}
        assert case.primary_domain.code in codes
        assert case.owner.teams.filter(pk=case.team_id).exists()
        assert case.opened_on <= TODAY
        assert (case.status == Case.Status.CLOSED) == bool(case.outcome) == bool(case.closed_on)
        assert case.events.filter(kind="opened", happened_on=case.opened_on).count() == 1
        first = case.perspectives.get(member="", version=1)
        assert first.confirmation == "first" and first.recorded_on == case.opened_on
    for version in PlanVersion.objects.select_related("perspective", "plan"):
        assert version.perspective.case_id == version.plan.case_id
        for goal in version.goals.all():
            assert goal.perspective_sentence in version.perspective.text
        if version.plan.case.safety_concern:
            assert version.safety


def test_journeys_replay_through_the_state_machine(generated):
    """Every request's state (and due date, escalation level, overdue flag) is what
    replaying its events through ``journeys.workflow.TRANSITIONS`` gives."""
    checked = 0
    for req in Request.objects.select_related("case", "organisation"):
        state, due_on, level, first, last = Request.State.DRAFT, None, 0, None, req.case.opened_on
        for event in req.events.order_by("on", "id"):
            allowed, target = TRANSITIONS[event.type]
            assert state in allowed, (req.pk, event.type, state)
            assert last <= event.on <= TODAY
            last = event.on
            state = target or state
            if event.type in RESTARTS_CLOCK:
                due_on = add_working_days(event.on, req.organisation.response_target_days)
            if event.type == "submitted" and first is None:
                first = event.on
            if event.type == "escalated":
                level = event.level
                step = req.organisation.escalation_steps.filter(level=level).first()
                assert event.escalated_to_id == (step.contact_id if step else None)
            if event.type == "refused":
                assert event.reason
            if event.type in ("approved", "information_requested", "condition_added"):
                assert event.text
            if event.type == "solved":
                assert Spend.objects.get(request=req).reference == event.text
            checked += 1
        assert (req.state, req.due_on, req.escalation_level, req.first_submitted_on) == (
            state,
            due_on,
            level,
            first,
        )
        overdue = state == Request.State.WAITING and due_on and overdue_from(due_on) <= TODAY
        assert req.overdue == bool(overdue)
        if req.overdue:
            assert Notice.objects.filter(
                subject="journeys.request", object_id=req.pk, recipient=req.case.owner
            ).exists()
    assert checked > 100


def test_spends_keep_the_budget_rules(generated):
    for spend in Spend.objects.select_related("budget"):
        assert spend.on.year == spend.budget.year and spend.on <= TODAY
        booked = LedgerEntry.objects.filter(spend=spend, kind="spend").count()
        assert booked == (1 if spend.state == Spend.State.BOOKED else 0)
        if spend.amount > spend.budget.approval_threshold and spend.state == Spend.State.BOOKED:
            assert spend.decided_by_id and spend.decided_by_id != spend.requested_by_id


def test_meetings_are_for_escalated_cases(generated):
    for item in AgendaItem.objects.select_related("meeting__organiser"):
        assert item.case.requests.filter(escalation_level__gte=2).exists()
        assert visible_cases(item.meeting.organiser).filter(pk=item.case_id).exists()


def test_the_access_log_chain_verifies(generated):
    call_command("audit-verify")
    checked, broken = verify_chain()
    assert broken is None and checked == AccessLogEntry.objects.count() > 10 * generated.cases


def test_same_seed_same_data_other_seed_other_data():
    sync_roles()
    seed_register()  # outside the rolled-back runs: their ids come from sequences

    def run(seed):
        with transaction.atomic():
            generate(cases_count=25, seed=seed, today=TODAY)
            found = digest()
            transaction.set_rollback(True)
        return found

    first = run(3)
    assert run(3) == first
    assert run(4) != first


@pytest.mark.postgres
def test_copy_and_bulk_create_write_the_same_rows():
    if connection.vendor != "postgresql":
        pytest.skip("COPY needs PostgreSQL")
    sync_roles()
    seed_register()
    found = []
    for options in (
        {"use_copy": True, "rebuild_indexes": True},
        {"use_copy": True, "rebuild_indexes": False},
        {"use_copy": False},
    ):
        with transaction.atomic():
            summary = generate(cases_count=25, seed=3, today=TODAY, **options)
            found.append(digest())
            transaction.set_rollback(True)
        assert summary.writer == ("copy" if options["use_copy"] else "bulk_create")
    assert found[0] == found[1] == found[2]


def test_the_generated_users_can_log_in(generated, client):
    for role in ("professional", "budget_holder", "decision_maker", "coordinator", "analyst"):
        user = users_of(generated, role)[0]
        response = client.post(
            LOGIN, {"username": user.username, "password": settings.DEMO_PASSWORD}
        )
        assert response.status_code == 302, role
        assert client.session["_auth_user_id"] == str(user.pk)
        client.logout()


def test_the_normal_access_policy_applies(generated):
    professional = users_of(generated, "professional")[0]
    mine = set(visible_cases(professional).values_list("pk", flat=True))
    team_cases = set(
        Case.objects.filter(team__in=professional.teams.all()).values_list("pk", flat=True)
    )
    assert mine == team_cases and 0 < len(mine) < Case.objects.count()

    coordinator = users_of(generated, "coordinator")[0]
    escalated = set(
        Case.objects.filter(requests__escalation_level__gte=4).values_list("pk", flat=True)
    )
    assert set(visible_cases(coordinator).values_list("pk", flat=True)) == escalated

    decision_maker = users_of(generated, "decision_maker")[0]
    assert not visible_cases(decision_maker).exists()
    theirs = Request.objects.filter(organisation=decision_maker.organisation).exclude(state="draft")
    assert set(visible_requests(decision_maker)) == set(theirs) and theirs.exists()

    analyst = users_of(generated, "analyst")[0]
    assert not visible_cases(analyst).exists() and not visible_requests(analyst).exists()


def test_distributions_follow_the_research():
    summary = generate(cases_count=400, seed=11, today=TODAY)
    cases = Case.objects.count()
    domains = Counter(Case.life_domains.through.objects.values_list("lifedomain__code", flat=True))
    assert domains.most_common(1)[0][0] == "finances"
    finances = Case.objects.filter(life_domains__code="finances")
    health = finances.filter(life_domains__code__in=["physical_health", "mental_health"]).distinct()
    assert 0.4 < health.count() / finances.count() < 0.6
    assert 0.25 < Case.objects.filter(safety_concern=True).count() / cases < 0.42
    figures = summary.lead_time_figures()
    assert 150 < figures["mean_days"] < 210  # about six months until approval
    assert 0.1 < figures["within_60_days"] < 0.35  # a minority within two months


def test_system_learning_and_the_report_figures_are_all_there():
    """Every figure of the report (the exchange format's report keys) has data to count:
    bottlenecks of every category, interventions of every kind, learning points of every
    order with their follow-up, published precedents; cases whose every request was
    approved, refusals with every reason, conditions the household disagrees with,
    spends with bridging."""
    generate(cases_count=400, seed=11, today=TODAY)
    assert set(Bottleneck.objects.values_list("category", flat=True)) == set(
        BottleneckCategory.values
    )
    assert Bottleneck.objects.exclude(regulation="").exists()
    assert Bottleneck.organisations.through.objects.exists()
    interventions = set(
        JourneyEvent.objects.exclude(intervention="").values_list("intervention", flat=True)
    )
    interventions |= set(CaseIntervention.objects.values_list("intervention", flat=True))
    assert interventions == {
        "information_request", "mediation", "register_contact", "escalation_team",
        "bridging_procedure", "budget_payment",
    }  # fmt: skip
    assert set(LearningPoint.objects.values_list("order", flat=True)) == {1, 2, 3}
    assert {"sent", "implemented", "rejected"} <= set(
        LearningPoint.objects.values_list("status", flat=True)
    )
    assert LearningPoint.objects.filter(cases__isnull=False).count() > LearningPoint.objects.count()
    assert Precedent.objects.filter(status="published").count() >= 3
    refusals = set(JourneyEvent.objects.filter(type="refused").values_list("reason", flat=True))
    assert refusals == set(REASONS)
    assert JourneyEvent.objects.filter(type="condition_added", household_agrees=False).exists()
    all_approved = [
        case
        for case in Case.objects.filter(requests__isnull=False)
        .distinct()
        .prefetch_related("requests")
        if all(r.state == "approved" for r in case.requests.all())
    ]
    assert len(all_approved) > 20
    assert (
        Spend.objects.filter(bridging=True).exists()
        and Spend.objects.filter(bridging=False).exists()
    )


def test_the_learning_rows_keep_the_rules(generated):
    """Closing analyses only for cases that need one (closed, or at the national level),
    with bottlenecks or "nothing blocked"; learning points follow NEXT_STATUSES step by
    step, dated in order; precedents are found by the search; the reference counters
    go on after the generated references."""
    analysed = ClosingAnalysis.objects.values_list("case_id", flat=True)
    assert analysed.exists()
    due = Case.objects.filter(Q(status="closed") | Q(requests__escalation_level__gte=4))
    assert set(analysed) <= set(due.values_list("pk", flat=True))
    # …and until it is done, the case is on the list (analysis_due_q).
    assert Case.objects.filter(analysis_due_q()).count() == due.distinct().count() - len(analysed)
    for analysis in ClosingAnalysis.objects.all():
        assert analysis.no_bottlenecks != Bottleneck.objects.filter(case=analysis.case_id).exists()
    for point in LearningPoint.objects.prefetch_related("steps"):
        steps = list(point.steps.order_by("on", "id"))
        assert steps[0].status == "proposed"
        for before, after in itertools.pairwise(steps):
            assert after.status in NEXT_STATUSES[before.status] and before.on <= after.on
            if after.status in ("implemented", "rejected"):
                assert after.answer
        assert (point.status, point.status_on) == (steps[-1].status, steps[-1].on)
        assert point.cases.exists() and point.bottlenecks.exists()
        assert point.reference.startswith(f"LP-{point.created_at.year}-")
    published = Precedent.objects.filter(status="published")
    # The search stems (and SQLite's FTS row) are what the services would store.
    from maatwerk.learning.services import _index

    for precedent in Precedent.objects.all():
        stored = (precedent.search_a, precedent.search_b, precedent.search_d)
        _index(precedent)
        precedent.refresh_from_db()
        assert (precedent.search_a, precedent.search_b, precedent.search_d) == stored
    analyst = users_of(generated, "analyst")[0]
    for precedent in published[:3]:
        word = precedent.title.split()[-1].strip(".")
        found = search_precedents(analyst, word)
        assert precedent in found.results or found.total > len(found.results), word
    assert CaseIntervention.objects.filter(intervention="escalation_team").count() == (
        Case.objects.filter(requests__escalation_level__gte=4).distinct().count()
    )
    # The app numbers on after the generated references.
    from maatwerk.cases.models import ReferenceCounter

    for point in LearningPoint.objects.all():
        year = point.reference.split("-")[1]
        counter = ReferenceCounter.objects.get(scope=f"learning-point:{year}").value
        assert int(point.reference.split("-")[2]) <= counter


def test_the_search_rows_are_what_the_search_index_would_write(generated):
    """The generator writes the case search's rows itself (no reading back): the same
    texts, and on PostgreSQL the same tsvector, as ``cases.search.refresh`` writes."""
    from maatwerk.cases.models import CaseSearchText
    from maatwerk.cases.search import refresh

    def rows():
        found = CaseSearchText.objects.order_by("case_id").values_list(
            "case_id", "perspective", "plan", "requests", "organisations"
        )
        documents = []
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT case_id, document::text FROM cases_casesearchtext ORDER BY case_id"
                )
                documents = cursor.fetchall()
        return list(found), documents

    generated_rows = rows()
    assert len(generated_rows[0]) == Case.objects.count()
    assert all(row[1] and row[4] for row in generated_rows[0])  # words and organisations
    refresh(Case.objects.values_list("pk", flat=True))
    assert rows() == generated_rows


def test_a_stopped_run_can_be_run_again(monkeypatch):
    """A run stopped in its first batch leaves its world (written first) but no cases:
    running again is allowed, finds the world and makes nothing twice."""
    from maatwerk.demo.generate import run

    def stop(self, size):
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(run._Batches, "one", stop)
        with pytest.raises(KeyboardInterrupt):
            generate(cases_count=10, seed=1, today=TODAY, rebuild_indexes=False)
    assert not Case.objects.exists()
    organisations, users = Organisation.objects.count(), User.objects.count()
    assert users > 10
    generate(cases_count=10, seed=1, today=TODAY)
    assert Case.objects.count() == 10
    assert (Organisation.objects.count(), User.objects.count()) == (organisations, users)


def test_refuses_a_second_run_unless_appending(generated):
    with pytest.raises(AlreadyGenerated):
        generate(cases_count=5, seed=7, today=TODAY)
    organisations, users = Organisation.objects.count(), User.objects.count()
    summary = generate(cases_count=10, seed=8, today=TODAY, append=True)
    assert Case.objects.count() == 70 and summary.cases == 10
    # The world is found again, not made twice.
    assert (Organisation.objects.count(), User.objects.count()) == (organisations, users)
    call_command("audit-verify")


def test_the_command(tmp_path, capsys):
    users_file = tmp_path / "users.json"
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("generate-data", "--cases", "5")
    with pytest.raises(CommandError, match="future"):
        call_command("generate-data", "--cases", "5", "--force", "--today", "2999-01-01")
    call_command("generate-data", "--cases", "12", "--force", "--users-file", str(users_file))
    assert Case.objects.count() == 12
    written = json.loads(users_file.read_text())
    assert written["password"] == settings.DEMO_PASSWORD
    usernames = {u["username"] for u in written["users"]}
    assert User.objects.filter(username__in=usernames).count() == len(usernames) >= 5
    assert "gen-coordinator-1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--append"):
        call_command("generate-data", "--cases", "5", "--force")


def test_a_changed_model_stops_the_generator():
    with pytest.raises(RuntimeError, match=r"columns of cases\.Household changed"):
        T.Table(Household, ("id", "pseudonym"))


def test_the_stored_attention_is_filled_as_the_services_would(generated):
    rows = {a.case_id: (a.reasons, a.next_due_on) for a in CaseAttention.objects.all()}
    assert len(rows) == Case.objects.count()
    assert generated.rows[CaseAttention._meta.db_table] == len(rows)
    assert any(reasons for reasons, _due in rows.values())  # some cases need attention now
    # Computing it again, as of the same day, changes nothing; a second run of the job
    # on that day finds nothing to do.
    refresh_attention(today=TODAY)
    assert {a.case_id: (a.reasons, a.next_due_on) for a in CaseAttention.objects.all()} == rows
    assert refresh_timed_attention(TODAY) == {"attention_refreshed": 0}
    # Plan actions have owners and most of the past ones are done.
    actions = PlanAction.objects.filter(due_on__lt=TODAY)
    assert actions.filter(owner__isnull=False).exists()
    assert actions.filter(done__isnull=False).count() > actions.count() / 2
