"""The budget service spend_create: booked at once or awaiting approval, the field
errors, the balance, who may spend, and the receipt.

Time is frozen in the middle of 2026 and messages are checked in English (the fixtures
``frozen`` and ``english`` in conftest.py)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from maatwerk.audit.models import Action
from maatwerk.budgets import selectors, services
from maatwerk.budgets.models import LedgerEntry, Spend, private_storage
from maatwerk.budgets.services import euro
from maatwerk.budgets.tests.support import TODAY, D, counts, field_errors, figures, new_log_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "english")]


@pytest.fixture
def receipts(settings, tmp_path):
    """Receipts stored under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    assert private_storage.location == str(tmp_path / "receipts")
    return tmp_path / "receipts"


def files_under(path):
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


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
        ({"amount": "1.234"}, "amount"),  # ambiguous: 1234 or 1,23?
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
