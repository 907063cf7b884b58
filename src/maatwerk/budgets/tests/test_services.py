"""The budget services (every write of budgets, spends, ledger entries and settlements)
and the selectors' figures. Time is frozen in the middle of 2026 so that dates before
and after a spend stay in the budget year; messages are checked in English."""

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from maatwerk.audit.models import AccessLogEntry, Action, ProcessingActivity
from maatwerk.budgets import selectors, services
from maatwerk.budgets.models import (
    Budget,
    BudgetRevision,
    LedgerEntry,
    Settlement,
    Spend,
    private_storage,
)
from maatwerk.budgets.services import euro
from maatwerk.core.errors import ConflictError
from maatwerk.journeys.models import EventType, Intervention, JourneyEvent, Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
D = Decimal


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def receipts(settings, tmp_path):
    """Receipts stored under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    assert private_storage.location == str(tmp_path / "receipts")
    return tmp_path / "receipts"


def files_under(path):
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


@pytest.fixture
def make_spend(rf_request, professional, case, budget):
    def make(amount="100,00", *, user=None, case=case, budget=budget, **fields):
        user = user or professional
        values = {
            "on": TODAY,
            "purpose_category": "housing",
            "description": "Huurachterstand maart",
            "payee_category": "landlord",
        }
        values.update(fields)
        return services.spend_create(
            request=rf_request(user), user=user, case=case, budget=budget, amount=amount, **values
        )

    return make


@pytest.fixture
def orgs():
    return (
        OrganisationFactory(name="UWV", type="national_agency"),
        OrganisationFactory(name="Belastingdienst", type="national_agency"),
    )


@pytest.fixture
def approve(rf_request, budget_holder2):
    def do(spend, user=None, **kwargs):
        user = user or budget_holder2
        return services.spend_approve(request=rf_request(user), user=user, spend=spend, **kwargs)

    return do


@pytest.fixture
def reverse(rf_request, budget_holder):
    def do(spend, user=None, reason="Dubbel betaald", **kwargs):
        user = user or budget_holder
        return services.spend_reverse(
            request=rf_request(user), user=user, spend=spend, reason=reason, **kwargs
        )

    return do


@pytest.fixture
def settle(rf_request, budget_holder, orgs):
    def do(spend, amount, user=None, responsible=orgs[0], on=TODAY, **kwargs):
        user = user or budget_holder
        return services.spend_settle(
            request=rf_request(user),
            user=user,
            spend=spend,
            responsible=responsible,
            amount=amount,
            on=on,
            **kwargs,
        )

    return do


def counts():
    return {
        "spends": Spend.objects.count(),
        "entries": LedgerEntry.objects.count(),
        "settlements": Settlement.objects.count(),
        "log": AccessLogEntry.objects.count(),
        "events": JourneyEvent.objects.count(),
        "revisions": BudgetRevision.objects.count(),
    }


@contextmanager
def new_log_rows():
    """Collects the access-log rows written inside the block (oldest first)."""
    rows: list[AccessLogEntry] = []
    last = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    yield rows
    rows.extend(AccessLogEntry.objects.filter(id__gt=last).order_by("id"))


def figures(budget):
    return selectors.with_figures(Budget.objects.filter(pk=budget.pk)).get()


def field_errors(caught) -> dict:
    return caught.value.message_dict


# --- budget_set ------------------------------------------------------------------


def test_budget_set_creates_a_budget_with_its_first_revision_and_a_log_row(
    teams, budget_holder, rf_request
):
    with new_log_rows() as rows:
        budget = services.budget_set(
            request=rf_request(budget_holder),
            user=budget_holder,
            team=teams[0],
            year=2026,
            amount="1500,00",
            approval_threshold="300",
            reason="Begroting 2026",
        )
    budget.refresh_from_db()
    assert (budget.amount, budget.approval_threshold, budget.version) == (D("1500"), D("300"), 1)
    assert budget.professional is None
    revision = BudgetRevision.objects.get(budget=budget)
    assert (revision.amount, revision.approval_threshold) == (D("1500"), D("300"))
    assert (revision.reason, revision.set_by) == ("Begroting 2026", budget_holder)
    assert len(rows) == 1
    (row,) = rows
    assert (row.action, row.processing_activity) == (Action.CREATE, ProcessingActivity.BUDGET)
    assert (row.object_type, row.object_id) == ("budgets.budget", str(budget.pk))
    assert row.actor == budget_holder and row.household == ""
    assert euro(D("1500")) in row.detail
    assert selectors.balance_of(budget.pk) == D("1500.00")


def test_budget_set_again_changes_the_budget_and_appends_a_revision(
    budget, budget_holder, budget_holder2, rf_request
):
    first = BudgetRevision.objects.get(budget=budget)
    with new_log_rows() as rows:
        changed = services.budget_set(
            request=rf_request(budget_holder2),
            user=budget_holder2,
            team=budget.team,
            year=budget.year,
            amount="1200",
            approval_threshold="200",
            reason="Extra middelen",
            version=1,
        )
    assert changed.pk == budget.pk
    assert Budget.objects.count() == 1
    budget.refresh_from_db()
    assert (budget.amount, budget.approval_threshold, budget.version) == (D("1200"), D("200"), 2)
    revisions = list(BudgetRevision.objects.filter(budget=budget).order_by("id"))
    assert [(r.amount, r.approval_threshold, r.set_by) for r in revisions] == [
        (D("1000"), D("250"), budget_holder),
        (D("1200"), D("200"), budget_holder2),
    ]
    assert revisions[0].pk == first.pk and revisions[1].reason == "Extra middelen"
    assert len(rows) == 1 and rows[0].action == Action.UPDATE
    assert f"{euro(D('1000'))} → {euro(D('1200'))}" in rows[0].detail


def test_budget_set_with_a_stale_version_raises_conflict_and_changes_nothing(
    budget, budget_holder, budget_holder2, rf_request
):
    services.budget_set(
        request=rf_request(budget_holder2),
        user=budget_holder2,
        team=budget.team,
        year=budget.year,
        amount="1100",
        approval_threshold="250",
        version=1,
    )
    before = counts()
    with pytest.raises(ConflictError) as caught:
        services.budget_set(
            request=rf_request(budget_holder),
            user=budget_holder,
            team=budget.team,
            year=budget.year,
            amount="900",
            approval_threshold="250",
            version=1,  # what this user saw before the other change
        )
    assert caught.value.current.pk == budget.pk and caught.value.current.version == 2
    budget.refresh_from_db()
    assert (budget.amount, budget.version) == (D("1100"), 2)
    assert counts() == before


def test_budget_cannot_be_set_lower_than_what_was_spent(
    budget, budget_holder, rf_request, make_spend, reverse
):
    make_spend("200")
    spend = make_spend("200")
    reverse(spend, amount="50")
    make_spend("400")  # awaiting approval: not spent yet
    before = counts()

    def set_to(amount):
        return services.budget_set(
            request=rf_request(budget_holder),
            user=budget_holder,
            team=budget.team,
            year=budget.year,
            amount=amount,
            approval_threshold="250",
        )

    with pytest.raises(ValidationError) as caught:
        set_to("349,99")
    assert field_errors(caught) == {
        "amount": [
            f"The budget cannot be lower than what has been spent from it ({euro(D('350'))})."
        ]
    }
    assert counts() == before
    budget.refresh_from_db()
    assert (budget.amount, budget.version) == (D("1000"), 1)
    set_to("350")
    assert selectors.balance_of(budget.pk) == D("0.00")


def test_only_budget_holders_set_budgets_of_their_own_team(
    teams, budget_holder, professional, outsider, rf_request, budget
):
    before = counts()

    def attempt(user, team, **kwargs):
        with pytest.raises(ValidationError) as caught:
            services.budget_set(
                request=rf_request(user),
                user=user,
                team=team,
                year=kwargs.pop("year", 2026),
                amount=kwargs.pop("amount", "500"),
                approval_threshold=kwargs.pop("approval_threshold", "100"),
                **kwargs,
            )
        return field_errors(caught)

    assert set(attempt(budget_holder, teams[1])) == {"team"}
    assert set(attempt(professional, teams[0])) == {"team"}  # no budgets.change_budget
    assert set(attempt(budget_holder, teams[0], professional=outsider)) == {"professional"}
    assert set(attempt(budget_holder, teams[0], year=1999)) == {"year"}
    assert set(attempt(budget_holder, teams[0], amount="-1", approval_threshold="x")) == {
        "amount",
        "approval_threshold",
    }
    assert counts() == before
    assert Budget.objects.get().amount == D("1000")


def test_a_personal_budget_is_separate_from_the_team_budget(
    teams, budget, budget_holder, professional, rf_request
):
    personal = services.budget_set(
        request=rf_request(budget_holder),
        user=budget_holder,
        team=teams[0],
        year=2026,
        amount="300",
        approval_threshold="100",
        professional=professional,
    )
    assert personal.pk != budget.pk and personal.professional == professional
    assert Budget.objects.count() == 2


# --- spend_create ------------------------------------------------------------------


def test_a_spend_up_to_the_threshold_is_booked_at_once(make_spend, budget, case, professional):
    with new_log_rows() as rows:
        spend = make_spend("250,00")
    spend.refresh_from_db()
    assert spend.state == Spend.State.BOOKED
    assert spend.requested_by == professional and spend.decided_by is None
    entry = LedgerEntry.objects.get(spend=spend)
    assert (entry.kind, entry.amount, entry.on, entry.override) == (
        "spend",
        D("250"),
        TODAY,
        False,
    )
    assert entry.budget_id == budget.pk and entry.entered_by == professional
    assert selectors.balance_of(budget.pk) == D("750.00")
    assert len(rows) == 1
    assert rows[0].household == case.household.pseudonym
    assert (rows[0].object_type, rows[0].object_id) == ("budgets.spend", str(spend.pk))
    assert rows[0].action == Action.CREATE
    assert rows[0].detail == f"{spend.reference}: {euro(D('250'))}"


def test_a_spend_above_the_threshold_awaits_approval(make_spend, budget, case):
    with new_log_rows() as rows:
        spend = make_spend("250,01")
    assert spend.state == Spend.State.AWAITING_APPROVAL
    assert not LedgerEntry.objects.exists()
    row = figures(budget)
    assert (row.spent, row.committed, row.balance, row.remaining) == (
        D("0"),
        D("250.01"),
        D("1000"),
        D("749.99"),
    )
    assert len(rows) == 1 and rows[0].household == case.household.pseudonym
    assert "(awaiting approval)" in rows[0].detail


def test_a_spend_awaiting_approval_may_exceed_the_balance(make_spend, budget):
    """The balance is checked when the spend is booked (at approval), not before."""
    spend = make_spend("1500")
    assert spend.state == Spend.State.AWAITING_APPROVAL
    assert figures(budget).remaining == D("-500")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "0,00"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "10,005"}, "amount"),
        ({"amount": "tien euro"}, "amount"),
        ({"amount": "1.234,56"}, "amount"),
        ({"amount": ""}, "amount"),
        ({"on": date(2025, 12, 31)}, "on"),
        ({"on": date(2027, 1, 1)}, "on"),
        ({"on": TODAY + timedelta(days=1)}, "on"),
        ({"on": None}, "on"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"purpose_category": "holiday"}, "purpose_category"),
        ({"payee_category": ""}, "payee_category"),
        ({"bridging": True}, "responsible_candidates"),
        ({"bridging": True, "responsible_candidates": []}, "responsible_candidates"),
    ],
)
def test_bad_input_gives_a_field_error_and_stores_nothing(make_spend, fields, field, budget):
    before = counts()
    amount = fields.pop("amount", "100")
    with pytest.raises(ValidationError) as caught:
        make_spend(amount, **fields)
    assert set(field_errors(caught)) == {field}
    assert counts() == before
    assert selectors.balance_of(budget.pk) == D("1000")


def test_several_bad_fields_are_reported_together(make_spend):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("-1", description="", on=TODAY + timedelta(days=3))
    assert set(field_errors(caught)) == {"amount", "description", "on"}
    assert counts() == before


def test_future_date_message(make_spend):
    with pytest.raises(ValidationError) as caught:
        make_spend(on=TODAY + timedelta(days=1))
    assert field_errors(caught) == {"on": ["The date cannot be in the future."]}
    with pytest.raises(ValidationError) as caught:
        make_spend(on=date(2025, 6, 1))
    assert field_errors(caught) == {"on": ["The date falls outside the budget year 2026."]}


def test_a_budget_of_another_team_is_refused(make_spend, teams, make_user, rf_request):
    other_holder = make_user("budget_holder", teams=[teams[1]])
    other = services.budget_set(
        request=rf_request(other_holder),
        user=other_holder,
        team=teams[1],
        year=2026,
        amount="1000",
        approval_threshold="250",
    )
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("100", budget=other)
    assert set(field_errors(caught)) == {"budget"}
    assert counts() == before
    assert selectors.balance_of(other.pk) == D("1000")


def test_a_personal_budget_of_a_colleague_is_refused(
    make_spend, teams, budget_holder, colleague, professional, rf_request
):
    personal = services.budget_set(
        request=rf_request(budget_holder),
        user=budget_holder,
        team=teams[0],
        year=2026,
        amount="300",
        approval_threshold="100",
        professional=colleague,
    )
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("50", budget=personal, user=professional)
    assert set(field_errors(caught)) == {"budget"}
    assert counts() == before
    # The colleague may spend from it.
    assert make_spend("50", budget=personal, user=colleague).state == Spend.State.BOOKED


def test_an_immediate_spend_that_makes_the_balance_negative_is_refused(make_spend, budget):
    for _ in range(4):
        make_spend("200")
    assert selectors.balance_of(budget.pk) == D("200")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("200,01")
    assert field_errors(caught) == {
        "amount": [
            f"This spend would make the balance negative: {euro(D('200'))} is left. Only a "
            "budget holder can allow that: ask for a budget holder's approval."
        ]
    }
    assert counts() == before
    assert selectors.balance_of(budget.pk) == D("200")
    make_spend("200")  # exactly the balance is allowed
    assert selectors.balance_of(budget.pk) == D("0")


def test_the_professional_may_ask_approval_for_what_the_balance_cannot_cover(
    make_spend, approve, budget, case
):
    for _ in range(4):
        make_spend("200")  # balance € 200
    before = counts()
    with pytest.raises(ValidationError):
        make_spend("220")
    assert counts() == before
    spend = make_spend("220", ask_approval=True)
    assert spend.state == Spend.State.AWAITING_APPROVAL
    assert figures(budget).committed == D("220")
    with new_log_rows() as rows:
        approve(spend, override=True)
    assert LedgerEntry.objects.get(spend=spend).override is True
    assert selectors.balance_of(budget.pk) == D("-20")
    assert len(rows) == 2 and all(r.household == case.household.pseudonym for r in rows)


def test_asking_approval_for_a_small_spend_that_fits(make_spend, approve, budget):
    spend = make_spend("10", ask_approval=True)
    assert spend.state == Spend.State.AWAITING_APPROVAL
    assert not LedgerEntry.objects.exists()
    approve(spend)
    assert LedgerEntry.objects.get(spend=spend).override is False


def test_only_a_professional_who_sees_the_case_spends_for_it(
    make_spend, outsider, budget_holder, coordinator
):
    before = counts()
    for user in (outsider, budget_holder, coordinator):
        with pytest.raises(PermissionDenied):
            make_spend("10", user=user)
    assert counts() == before


def test_a_receipt_is_stored_privately_under_a_random_name(make_spend, receipts):
    upload = SimpleUploadedFile("factuur Jansen.PDF", b"%PDF-1.4 receipt", "application/pdf")
    spend = make_spend("100", receipt=upload)
    spend.refresh_from_db()
    (stored,) = files_under(receipts)
    assert stored.read_bytes() == b"%PDF-1.4 receipt"
    assert stored.relative_to(receipts).as_posix() == spend.receipt.name
    assert spend.receipt.name.startswith("2026/06/") and spend.receipt.name.endswith(".pdf")
    assert "Jansen" not in spend.receipt.name


def test_the_receipt_is_removed_when_the_spend_is_refused(make_spend, budget, receipts):
    make_spend("200")
    make_spend("200")
    make_spend("200")
    make_spend("200")  # balance € 200
    before = counts()
    upload = SimpleUploadedFile("bon.jpg", b"\xff\xd8 jpeg", "image/jpeg")
    with pytest.raises(ValidationError) as caught:
        make_spend("250", receipt=upload)
    assert set(field_errors(caught)) == {"amount"}
    assert files_under(receipts) == []
    assert counts() == before


def test_no_receipt_is_stored_when_the_input_is_wrong(make_spend, receipts):
    upload = SimpleUploadedFile("bon.jpg", b"\xff\xd8 jpeg", "image/jpeg")
    with pytest.raises(ValidationError):
        make_spend("100", description="", receipt=upload)
    assert files_under(receipts) == []


# --- spend_approve -------------------------------------------------------------------


def test_approval_by_a_second_budget_holder_books_the_spend(
    make_spend, approve, budget, budget_holder2, case
):
    spend = make_spend("300")
    with new_log_rows() as rows:
        approved = approve(spend)
    assert approved.state == Spend.State.BOOKED
    assert approved.decided_by == budget_holder2 and approved.decided_at is not None
    entry = LedgerEntry.objects.get(spend=spend)
    assert (entry.amount, entry.override, entry.entered_by) == (D("300"), False, budget_holder2)
    assert (figures(budget).balance, figures(budget).committed) == (D("700"), D("0"))
    assert len(rows) == 1
    assert rows[0].household == case.household.pseudonym
    assert rows[0].detail == f"{spend.reference}: approved"
    assert rows[0].actor == budget_holder2


def test_the_requester_cannot_approve_their_own_spend_even_as_budget_holder(
    make_user, teams, make_spend, approve, rf_request
):
    both = make_user("professional", "budget_holder", teams=[teams[0]])
    assert both.has_perm("budgets.approve_spend")
    spend = make_spend("300", user=both)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(spend, user=both)
    assert "own spend" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        services.spend_refuse(request=rf_request(both), user=both, spend=spend, reason="Nee")
    assert counts() == before
    spend.refresh_from_db()
    assert spend.state == Spend.State.AWAITING_APPROVAL


def test_a_budget_holder_of_another_team_cannot_decide(
    make_user, teams, make_spend, approve, colleague, rf_request
):
    spend = make_spend("300")
    other = make_user("budget_holder", teams=[teams[1]])
    before = counts()
    for user in (other, colleague):  # colleague: same team, no approve permission
        with pytest.raises(ValidationError) as caught:
            approve(spend, user=user)
        assert caught.value.messages == [
            "Only a budget holder of this team can decide on this spend."
        ]
        with pytest.raises(ValidationError):
            services.spend_refuse(request=rf_request(user), user=user, spend=spend, reason="Nee")
    assert counts() == before
    spend.refresh_from_db()
    assert spend.state == Spend.State.AWAITING_APPROVAL


def test_an_already_decided_spend_cannot_be_decided_again(
    make_spend, approve, budget_holder, rf_request
):
    spend = make_spend("300")
    approve(spend)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(spend, user=budget_holder)
    assert caught.value.messages == ["This spend has already been decided: booked."]
    with pytest.raises(ValidationError):
        services.spend_refuse(
            request=rf_request(budget_holder), user=budget_holder, spend=spend, reason="Toch niet"
        )
    immediate = make_spend("10")  # booked at once: nothing to decide
    with pytest.raises(ValidationError):
        approve(immediate)
    assert LedgerEntry.objects.filter(spend=spend).count() == 1
    assert counts()["entries"] == before["entries"] + 1  # only the immediate spend's


def test_approval_that_makes_the_balance_negative_needs_override(make_spend, approve, budget):
    make_spend("200")
    make_spend("200")
    make_spend("200")
    make_spend("200")  # balance € 200
    spend = make_spend("300")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(spend)
    assert set(field_errors(caught)) == {"amount"}
    assert euro(D("200")) in field_errors(caught)["amount"][0]
    assert counts() == before
    spend.refresh_from_db()
    assert spend.state == Spend.State.AWAITING_APPROVAL and spend.decided_by is None


def test_override_needs_its_own_permission(
    make_user, teams, make_spend, approve, budget, budget_holder, rf_request
):
    approver = make_user(teams=[teams[0]])
    approver.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="budgets", codename__in=["view_budget", "approve_spend"]
        )
    )
    make_spend("200")
    make_spend("200")
    make_spend("200")
    make_spend("200")
    spend = make_spend("300")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(spend, user=approver, override=True)
    assert set(field_errors(caught)) == {"override"}
    assert counts() == before
    # Without override the same approver may approve it once it fits the balance.
    services.budget_set(
        request=rf_request(budget_holder),
        user=budget_holder,
        team=budget.team,
        year=budget.year,
        amount="1100",
        approval_threshold="250",
    )
    assert approve(spend, user=approver).state == Spend.State.BOOKED
    assert LedgerEntry.objects.get(spend=spend).override is False
    assert selectors.balance_of(budget.pk) == D("0")


def test_override_books_a_negative_balance_and_logs_it(
    make_spend, approve, budget, case, budget_holder2
):
    make_spend("200")
    make_spend("200")
    make_spend("200")
    make_spend("200")  # balance € 200
    spend = make_spend("300")
    with new_log_rows() as rows:
        approve(spend, override=True)
    entry = LedgerEntry.objects.get(spend=spend)
    assert entry.override is True and entry.amount == D("300")
    assert selectors.balance_of(budget.pk) == D("-100")
    assert len(rows) == 2
    negative = next(row for row in rows if row.object_type == "budgets.ledgerentry")
    assert negative.object_id == str(entry.pk)
    assert negative.household == case.household.pseudonym
    assert negative.actor == budget_holder2
    assert "negative balance allowed" in negative.detail
    assert f"{euro(D('200'))} → {euro(D('-100'))}" in negative.detail
    assert all(row.household == case.household.pseudonym for row in rows)


def test_override_is_only_recorded_when_the_balance_really_goes_negative(
    make_spend, approve, budget
):
    spend = make_spend("300")
    with new_log_rows() as rows:
        approve(spend, override=True)
    assert LedgerEntry.objects.get(spend=spend).override is False
    assert len(rows) == 1 and "negative" not in rows[0].detail


# --- spend_refuse --------------------------------------------------------------------


def test_refusal_needs_a_reason(make_spend, rf_request, budget_holder2):
    spend = make_spend("300")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.spend_refuse(
            request=rf_request(budget_holder2), user=budget_holder2, spend=spend, reason="  "
        )
    assert set(field_errors(caught)) == {"reason"}
    assert counts() == before


def test_refusal_books_nothing_and_frees_the_commitment(
    make_spend, rf_request, budget_holder2, budget, case
):
    spend = make_spend("300")
    assert figures(budget).committed == D("300")
    with new_log_rows() as rows:
        refused = services.spend_refuse(
            request=rf_request(budget_holder2),
            user=budget_holder2,
            spend=spend,
            reason=" Past niet binnen het plan ",
        )
    assert refused.state == Spend.State.REFUSED
    assert refused.refusal_reason == "Past niet binnen het plan"
    assert refused.decided_by == budget_holder2
    assert not LedgerEntry.objects.exists()
    row = figures(budget)
    assert (row.balance, row.committed, row.remaining) == (D("1000"), D("0"), D("1000"))
    assert len(rows) == 1 and rows[0].household == case.household.pseudonym
    assert rows[0].detail == f"{spend.reference}: refused"


# --- spend_reverse ---------------------------------------------------------------------


def test_a_full_reversal_restores_the_balance_and_leaves_the_original_entry(
    make_spend, reverse, budget, budget_holder, case
):
    spend = make_spend("200")
    original = LedgerEntry.objects.get(spend=spend, kind="spend")
    snapshot = (original.amount, original.on, original.override, original.entered_by_id)
    with new_log_rows() as rows:
        entry = reverse(spend)
    assert (entry.kind, entry.amount, entry.on, entry.spend_id) == (
        "reversal",
        D("200"),
        TODAY,
        spend.pk,
    )
    assert entry.reason == "Dubbel betaald" and entry.entered_by == budget_holder
    original.refresh_from_db()
    assert (original.amount, original.on, original.override, original.entered_by_id) == snapshot
    assert LedgerEntry.objects.filter(spend=spend).count() == 2
    row = figures(budget)
    assert (row.spent, row.reversed, row.balance) == (D("200"), D("200"), D("1000"))
    spend.refresh_from_db()
    assert spend.state == Spend.State.BOOKED  # the reversal is a correction, not a state
    assert len(rows) == 1 and rows[0].household == case.household.pseudonym
    assert (rows[0].object_type, rows[0].object_id) == ("budgets.ledgerentry", str(entry.pk))


def test_partial_reversals_cannot_exceed_what_is_left(make_spend, reverse, budget):
    spend = make_spend("200")
    reverse(spend, amount="50")
    assert selectors.balance_of(budget.pk) == D("850")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        reverse(spend, amount="150,01")
    assert field_errors(caught) == {"amount": [f"At most {euro(D('150'))} can be reversed."]}
    assert counts() == before
    assert reverse(spend).amount == D("150")  # the rest, by default
    assert selectors.balance_of(budget.pk) == D("1000")
    with pytest.raises(ValidationError) as caught:
        reverse(spend)
    assert field_errors(caught) == {"amount": ["Nothing is left to reverse."]}
    with pytest.raises(ValidationError) as caught:
        reverse(spend, amount="0,01")
    assert set(field_errors(caught)) == {"amount"}
    assert LedgerEntry.objects.filter(spend=spend, kind="reversal").count() == 2


def test_a_reversal_needs_a_reason_and_a_valid_amount(make_spend, reverse):
    spend = make_spend("200")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        reverse(spend, reason=" ")
    assert set(field_errors(caught)) == {"reason"}
    for amount in ("0", "-10", "1,001", "abc"):
        with pytest.raises(ValidationError) as caught:
            reverse(spend, amount=amount)
        assert set(field_errors(caught)) == {"amount"}, amount
    assert counts() == before


def test_bridging_cannot_reverse_what_was_reimbursed(make_spend, reverse, settle, orgs, budget):
    spend = make_spend("200", bridging=True, responsible_candidates=[orgs[0]])
    settle(spend, "120")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        reverse(spend, amount="80,01")
    assert field_errors(caught) == {"amount": [f"At most {euro(D('80'))} can be reversed."]}
    assert counts() == before
    assert reverse(spend).amount == D("80")
    assert selectors.balance_of(budget.pk) == D("880")
    receivable = selectors.with_receivable(Spend.objects.filter(pk=spend.pk)).get()
    assert receivable.open_amount == D("0")
    assert not selectors.open_receivables(spend.requested_by).exists()


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (date(2026, 6, 9), "A correction cannot be dated before the spend."),
        (date(2026, 6, 16), "The date cannot be in the future."),
    ],
)
def test_reversal_date_rules(make_spend, reverse, on, message):
    spend = make_spend("200", on=date(2026, 6, 10))
    before = counts()
    with pytest.raises(ValidationError) as caught:
        reverse(spend, on=on)
    assert field_errors(caught) == {"on": [message]}
    assert counts() == before
    assert reverse(spend, on=date(2026, 6, 10)).on == date(2026, 6, 10)


def test_a_reversal_stays_in_the_budget_year(teams, budget_holder, rf_request, make_spend, reverse):
    last_year = services.budget_set(
        request=rf_request(budget_holder),
        user=budget_holder,
        team=teams[0],
        year=2025,
        amount="500",
        approval_threshold="250",
    )
    spend = make_spend("100", budget=last_year, on=date(2025, 12, 20))
    with pytest.raises(ValidationError) as caught:
        reverse(spend)  # today: 2026
    assert field_errors(caught) == {"on": ["The date falls outside the budget year 2025."]}
    assert reverse(spend, on=date(2025, 12, 31)).amount == D("100")
    assert selectors.balance_of(last_year.pk) == D("500")


def test_only_a_booked_spend_can_be_reversed_by_a_budget_holder_of_the_team(
    make_spend, reverse, rf_request, budget_holder2, professional, make_user, teams
):
    awaiting = make_spend("300")
    refused = make_spend("400")
    services.spend_refuse(
        request=rf_request(budget_holder2), user=budget_holder2, spend=refused, reason="Nee"
    )
    booked = make_spend("100")
    before = counts()
    for spend in (awaiting, refused):
        with pytest.raises(ValidationError) as caught:
            reverse(spend)
        assert caught.value.messages == ["Only a booked spend can be corrected."]
    for user in (professional, make_user("budget_holder", teams=[teams[1]])):
        with pytest.raises(ValidationError) as caught:
            reverse(booked, user=user)
        assert caught.value.messages == ["Only a budget holder of this team can correct a spend."]
    assert counts() == before


# --- spend_settle ----------------------------------------------------------------------


@pytest.fixture
def bridging(make_spend, orgs):
    return make_spend("200", bridging=True, responsible_candidates=list(orgs))


def receivable(spend):
    return selectors.with_receivable(Spend.objects.filter(pk=spend.pk)).get()


def test_a_bridging_spend_keeps_its_candidates(bridging, orgs):
    assert set(bridging.responsible_candidates.all()) == set(orgs)
    assert bridging.state == Spend.State.BOOKED


def test_partial_reimbursements_add_up(bridging, settle, orgs, case, budget_holder, budget):
    with new_log_rows() as rows:
        first = settle(bridging, "50", note="Eerste deel")
    settle(bridging, "70,00", responsible=orgs[1])
    assert (first.amount, first.final, first.note, first.entered_by) == (
        D("50"),
        False,
        "Eerste deel",
        budget_holder,
    )
    row = receivable(bridging)
    assert (row.booked, row.reversed, row.reimbursed, row.open_amount, row.closed) == (
        D("200"),
        D("0"),
        D("120"),
        D("80"),
        False,
    )
    assert [(s.pk, s.open_amount) for s in selectors.open_receivables(budget_holder)] == [
        (bridging.pk, D("80"))
    ]
    # A reimbursement does not change the budget's balance (it is a receivable).
    assert selectors.balance_of(budget.pk) == D("800")
    assert len(rows) == 1 and rows[0].household == case.household.pseudonym
    assert (rows[0].object_type, rows[0].object_id) == ("budgets.settlement", str(first.pk))


def test_settling_more_than_is_open_is_refused(bridging, settle):
    settle(bridging, "120")
    before = counts()
    with pytest.raises(ValidationError) as caught:
        settle(bridging, "80,01")
    assert field_errors(caught) == {
        "amount": [f"You cannot settle more than was paid: {euro(D('80'))} is still open."]
    }
    with pytest.raises(ValidationError):
        settle(bridging, "100", final=True)
    assert counts() == before
    assert settle(bridging, "80").amount == D("80")
    assert receivable(bridging).open_amount == D("0")


def test_a_final_settlement_closes_the_receivable(bridging, settle, budget_holder, budget):
    settle(bridging, "50")
    settle(bridging, "30", final=True)
    row = receivable(bridging)
    assert row.closed is True and row.reimbursed == D("80")
    assert list(selectors.open_receivables(budget_holder)) == []
    assert selectors.receivables_by_organisation(budget_holder) == []
    (overview,) = selectors.team_overviews(budget_holder, 2026)
    assert overview.bridging_open == D("0")
    before = counts()
    for amount, final in (("10", False), ("0", True)):
        with pytest.raises(ValidationError) as caught:
            settle(bridging, amount, final=final)
        assert caught.value.messages == ["This receivable has already been settled in full."]
    assert counts() == before


def test_zero_only_settles_when_final(bridging, settle, budget_holder):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        settle(bridging, "0")
    assert set(field_errors(caught)) == {"amount"}
    assert counts() == before
    final = settle(bridging, "0", final=True)
    assert final.amount == D("0") and final.final is True
    row = receivable(bridging)
    assert row.closed and row.reimbursed == D("0")
    assert list(selectors.open_receivables(budget_holder)) == []


def test_bad_settlements_are_refused(bridging, settle, make_spend, approve, orgs):
    before = counts()
    cases = [
        ({"amount": "-5"}, "amount"),
        ({"amount": "5,555"}, "amount"),
        ({"amount": "vijf"}, "amount"),
        ({"responsible": None}, "responsible"),
        ({"on": None}, "on"),
        ({"on": TODAY - timedelta(days=1)}, "on"),
        ({"on": TODAY + timedelta(days=1)}, "on"),
    ]
    for kwargs, field in cases:
        amount = kwargs.pop("amount", "10")
        with pytest.raises(ValidationError) as caught:
            settle(bridging, amount, **kwargs)
        assert set(field_errors(caught)) == {field}, kwargs
    plain = make_spend("50")
    with pytest.raises(ValidationError) as caught:
        settle(plain, "10")
    assert caught.value.messages == ["Only a booked bridging spend can be settled."]
    awaiting = make_spend("300", bridging=True, responsible_candidates=[orgs[0]])
    with pytest.raises(ValidationError) as caught:
        settle(awaiting, "10")
    assert caught.value.messages == ["Only a booked bridging spend can be settled."]
    assert counts()["settlements"] == before["settlements"]


def test_a_reimbursement_cannot_be_dated_before_the_spend(make_spend, settle, orgs):
    spend = make_spend("100", on=date(2026, 6, 1), bridging=True, responsible_candidates=[orgs[0]])
    with pytest.raises(ValidationError) as caught:
        settle(spend, "10", on=date(2026, 5, 31))
    assert field_errors(caught) == {"on": ["A reimbursement cannot be dated before the spend."]}
    assert settle(spend, "10", on=date(2026, 6, 1)).on == date(2026, 6, 1)


def test_who_may_settle(bridging, settle, coordinator, professional, make_user, teams):
    for user in (professional, make_user("budget_holder", teams=[teams[1]])):
        with pytest.raises(ValidationError) as caught:
            settle(bridging, "10", user=user)
        assert caught.value.messages == ["You may not settle this spend."]
    # Coordinators settle receivables of every team.
    assert settle(bridging, "10", user=coordinator).entered_by == coordinator


def test_reimbursed_and_reversed_together_close_the_open_amount(bridging, settle, reverse):
    settle(bridging, "50")
    reverse(bridging, amount="100")
    assert receivable(bridging).open_amount == D("50")
    with pytest.raises(ValidationError) as caught:
        settle(bridging, "50,01")
    assert set(field_errors(caught)) == {"amount"}
    settle(bridging, "50")
    assert receivable(bridging).open_amount == D("0")


# --- The journey link --------------------------------------------------------------------


@pytest.fixture
def make_request(professional, case, orgs):
    def make(state="waiting", case=case):
        req = request_create(
            request=None, user=professional, case=case, organisation=orgs[0], subject="WW"
        )
        if state != "draft":
            record_event(request=None, user=professional, req=req, type="submitted", on=TODAY)
        if state == "approved":
            record_event(
                request=None, user=professional, req=req, type="approved", text="WW", on=TODAY
            )
        elif state == "refused":
            record_event(
                request=None,
                user=professional,
                req=req,
                type="refused",
                reason="not_allowed_by_law",
                on=TODAY,
            )
        req.refresh_from_db()
        assert req.state == state
        return req

    return make


@pytest.mark.parametrize(
    ("bridging", "intervention"),
    [(False, Intervention.BUDGET_PAYMENT), (True, Intervention.BRIDGING_PROCEDURE)],
)
def test_a_booked_spend_solves_its_request(
    make_spend, make_request, orgs, case, professional, bridging, intervention
):
    req = make_request()
    extra = {"bridging": True, "responsible_candidates": [orgs[1]]} if bridging else {}
    with new_log_rows() as rows:
        spend = make_spend("100", solves_request=req, **extra)
    assert spend.request == req
    event = JourneyEvent.objects.get(request=req, type=EventType.SOLVED)
    assert (event.intervention, event.on, event.entered_by) == (intervention, TODAY, professional)
    assert spend.reference in event.text
    req.refresh_from_db()
    assert req.state == Request.State.SOLVED
    # One row for the spend and one for the journey event, both with the pseudonym.
    assert [row.object_type for row in rows] == ["budgets.spend", "journeys.journeyevent"]
    assert all(row.household == case.household.pseudonym for row in rows)


def test_a_spend_awaiting_approval_solves_its_request_only_when_approved(
    make_spend, make_request, approve, budget_holder2
):
    req = make_request("refused")  # a refused request can still be solved another way
    spend = make_spend("300", solves_request=req)
    assert not JourneyEvent.objects.filter(type=EventType.SOLVED).exists()
    req.refresh_from_db()
    assert req.state == Request.State.REFUSED
    with new_log_rows() as rows:
        approve(spend)
    event = JourneyEvent.objects.get(request=req, type=EventType.SOLVED)
    assert event.intervention == Intervention.BUDGET_PAYMENT
    assert event.entered_by == budget_holder2
    req.refresh_from_db()
    assert req.state == Request.State.SOLVED
    assert sorted(row.object_type for row in rows) == [
        "budgets.spend",
        "journeys.journeyevent",
    ]


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_a_request_that_cannot_be_solved_gives_an_error_on_request(make_spend, make_request, state):
    req = make_request(state)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("100", solves_request=req)
    assert set(field_errors(caught)) == {"request"}
    assert counts() == before


def test_a_request_already_solved_cannot_be_solved_again(make_spend, make_request):
    req = make_request()
    make_spend("100", solves_request=req)
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("100", solves_request=req)
    assert set(field_errors(caught)) == {"request"}
    assert counts() == before


def test_a_request_of_another_case_is_refused(make_spend, make_request, teams, professional):
    other_case = make_case(teams[0], professional)
    req = make_request(case=other_case)
    with pytest.raises(ValidationError) as caught:
        make_spend("100", solves_request=req)
    assert field_errors(caught) == {"request": ["Choose a request of this case."]}


def test_the_spend_cannot_be_dated_before_the_requests_last_step(make_spend, make_request):
    req = make_request()  # submitted today
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_spend("100", solves_request=req, on=TODAY - timedelta(days=1))
    assert set(field_errors(caught)) == {"on"}
    assert counts() == before


def test_approval_fails_on_request_when_it_was_solved_in_the_meantime(
    make_spend, make_request, approve, budget
):
    req = make_request()
    waiting = make_spend("300", solves_request=req)
    make_spend("100", solves_request=req)  # solves it first
    before = counts()
    with pytest.raises(ValidationError) as caught:
        approve(waiting)
    assert set(field_errors(caught)) == {"request"}
    assert counts() == before  # the booking is rolled back with it
    waiting.refresh_from_db()
    assert waiting.state == Spend.State.AWAITING_APPROVAL
    assert selectors.balance_of(budget.pk) == D("900")


# --- Selectors ---------------------------------------------------------------------------


def test_with_figures_and_balance_of(
    make_spend, approve, reverse, budget, rf_request, budget_holder2
):
    make_spend("100")
    b = make_spend("250")
    c = make_spend("400")  # awaiting
    d = make_spend("300")
    approve(d)
    refused = make_spend("500")
    services.spend_refuse(
        request=rf_request(budget_holder2), user=budget_holder2, spend=refused, reason="Nee"
    )
    reverse(b, amount="25,50")
    row = figures(budget)
    assert row.spent == D("650")
    assert row.reversed == D("25.50")
    assert row.committed == D("400")
    assert row.balance == D("375.50") == selectors.balance_of(budget.pk)
    assert row.remaining == D("-24.50")
    assert c.state == Spend.State.AWAITING_APPROVAL


def test_selectors_only_show_budgets_the_user_may_see(
    make_spend, budget, budget_holder, outsider, coordinator, make_user, teams, orgs
):
    make_spend("100", bridging=True, responsible_candidates=[orgs[0]])
    other_holder = make_user("budget_holder", teams=[teams[1]])
    assert [o.team_id for o in selectors.team_overviews(budget_holder, 2026)] == [teams[0].pk]
    assert selectors.team_overviews(other_holder, 2026) == []
    assert selectors.team_overviews(outsider, 2026) == []
    assert len(selectors.team_overviews(coordinator, 2026)) == 1
    assert len(selectors.open_receivables(budget_holder)) == 1
    assert len(selectors.open_receivables(coordinator)) == 1
    assert len(selectors.open_receivables(other_holder)) == 0
    assert selectors.receivables_by_organisation(other_holder) == []


def test_open_receivables_and_receivables_by_organisation(
    make_spend, settle, reverse, budget_holder, orgs
):
    uwv, belastingdienst = orgs
    a = make_spend(
        "200",
        on=TODAY - timedelta(days=10),
        bridging=True,
        responsible_candidates=[uwv, belastingdienst],
    )
    b = make_spend("100", on=TODAY - timedelta(days=3), bridging=True, responsible_candidates=[uwv])
    c = make_spend("80", bridging=True, responsible_candidates=[belastingdienst])
    make_spend("60")  # not bridging: no receivable
    settle(b, "30")
    reverse(a, amount="20")
    settle(c, "0", final=True)  # closed without anything paid back
    assert [(s.pk, s.open_amount) for s in selectors.open_receivables(budget_holder)] == [
        (a.pk, D("180")),
        (b.pk, D("70")),
    ]
    assert selectors.receivables_by_organisation(budget_holder) == [
        {
            "organisation": "Belastingdienst",
            "count": 1,
            "open_total": D("180"),
            "oldest_days": 10,
        },
        {"organisation": "UWV", "count": 2, "open_total": D("250"), "oldest_days": 10},
    ]


def test_team_overviews_figures(
    make_spend, approve, reverse, settle, budget_holder, coordinator, orgs, teams, rf_request
):
    make_spend("100", purpose_category="housing", on=date(2026, 5, 20))
    b = make_spend("200", purpose_category="utilities", payee_category="utility")
    make_spend("300", purpose_category="utilities")  # awaiting
    bridging = make_spend(
        "150", purpose_category="debts", bridging=True, responsible_candidates=[orgs[0]]
    )
    settle(bridging, "40")
    reverse(b, amount="50")
    (overview,) = selectors.team_overviews(budget_holder, 2026)
    assert (overview.team_id, overview.team, overview.year) == (teams[0].pk, teams[0].name, 2026)
    totals = overview.totals
    assert (totals.budget, totals.spent, totals.reversed, totals.committed) == (
        D("1000"),
        D("450"),
        D("50"),
        D("300"),
    )
    assert totals.net_spent == D("400")
    assert totals.balance == D("600") == selectors.balance_of(b.budget_id)
    assert totals.remaining == D("300")
    months = dict(overview.by_month)
    assert sorted(months) == [5, 6]
    assert (months[5].spent, months[5].committed) == (D("100"), D("0"))
    assert (months[6].spent, months[6].reversed, months[6].committed) == (
        D("350"),
        D("50"),
        D("300"),
    )
    purposes = dict(overview.by_purpose)
    assert set(purposes) == {
        "housing costs and rent arrears",
        "energy and water",
        "debts and fines",
    }
    utilities = purposes["energy and water"]
    assert (utilities.spent, utilities.reversed, utilities.committed) == (
        D("200"),
        D("50"),
        D("300"),
    )
    assert overview.bridging_open == D("110")
    assert selectors.team_overviews(budget_holder, 2025) == []
    assert selectors.team_overviews(coordinator, 2026, team_id=teams[1].pk) == []


def test_team_overviews_uses_a_constant_number_of_queries(
    make_spend, coordinator, orgs, teams, make_user, rf_request, assert_constant_queries
):
    make_spend("100")
    selectors.team_overviews(coordinator, 2026)  # permissions cached on the user

    def grow():
        """Many more spends, in several months, purposes and states, and a second team."""
        for i in range(12):
            make_spend(
                str(10 + i),
                on=date(2026, 1 + i % 6, 1),
                purpose_category=["housing", "debts", "health"][i % 3],
                bridging=i % 4 == 0,
                responsible_candidates=[orgs[i % 2]],
            )
        make_spend("400")  # awaiting
        other_holder = make_user("budget_holder", teams=[teams[1]])
        other_pro = make_user("professional", teams=[teams[1]])
        other_budget = services.budget_set(
            request=rf_request(other_holder),
            user=other_holder,
            team=teams[1],
            year=2026,
            amount="500",
            approval_threshold="100",
        )
        other_case = make_case(teams[1], other_pro)
        for _ in range(3):
            services.spend_create(
                request=rf_request(other_pro),
                user=other_pro,
                case=other_case,
                budget=other_budget,
                on=TODAY,
                amount="20",
                purpose_category="transport",
                description="OV-kaart",
                payee_category="supplier",
            )

    runs = assert_constant_queries(lambda: selectors.team_overviews(coordinator, 2026), grow)
    (overview,) = runs.before.result
    assert overview.totals.spent == D("100")
    overviews = runs.after.result
    assert len(overviews) == 2
    assert sum(o.totals.spent for o in overviews) == D("100") + sum(
        D(10 + i) for i in range(12)
    ) + D("60")
    assert len(dict(overviews[1].by_month)) == 6  # Wijkteam Oost: January to June


def test_the_last_cent_can_be_spent(make_spend, budget, budget_holder):
    """SQLite computes with floating point: 1000 − 999.99 must still be exactly 0.01."""
    for amount in ("250", "250", "250", "249,99"):
        make_spend(amount)
    assert selectors.balance_of(budget.pk) == D("0.01")
    assert figures(budget).remaining == D("0.01")
    make_spend("0,01")
    assert selectors.balance_of(budget.pk) == D("0")
    (overview,) = selectors.team_overviews(budget_holder, 2026)
    assert overview.totals.balance == D("0")


def test_the_last_cent_of_a_receivable_can_be_settled(
    make_spend, approve, settle, budget_holder, orgs
):
    spend = make_spend("1000", bridging=True, responsible_candidates=[orgs[0]])
    approve(spend)
    settle(spend, "999,99")
    assert [s.open_amount for s in selectors.open_receivables(budget_holder)] == [D("0.01")]
    assert selectors.receivables_by_organisation(budget_holder)[0]["open_total"] == D("0.01")
    (overview,) = selectors.team_overviews(budget_holder, 2026)
    assert overview.bridging_open == D("0.01")
    settle(spend, "0,01")
    assert receivable(spend).open_amount == D("0")
    assert list(selectors.open_receivables(budget_holder)) == []
