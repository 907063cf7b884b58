"""The ledger, settlements and budget revisions are append-only in the database itself:
raw SQL cannot change or delete a booking (on SQLite and on PostgreSQL)."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from maatwerk.budgets import services
from maatwerk.budgets.models import BudgetRevision, LedgerEntry, Settlement
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(budget, case, professional, coordinator, rf_request):
    insurer = OrganisationFactory(name="Zorgverzekeraar Raw", type="health_insurer")
    spend = services.spend_create(
        request=rf_request(professional),
        user=professional,
        case=case,
        budget=budget,
        on=timezone.localdate(),
        amount=Decimal("100.00"),
        purpose_category="health",
        description="Tandarts",
        payee_category="care_provider",
        bridging=True,
        responsible_candidates=[insurer],
    )
    services.spend_settle(
        request=rf_request(coordinator),
        user=coordinator,
        spend=spend,
        responsible=insurer,
        amount="40",
        on=timezone.localdate(),
    )
    return spend


@pytest.mark.parametrize(
    ("model", "sql"),
    [
        (LedgerEntry, "UPDATE budgets_ledgerentry SET amount = 1"),
        (LedgerEntry, "DELETE FROM budgets_ledgerentry"),
        (Settlement, "UPDATE budgets_settlement SET amount = 100"),
        (Settlement, "DELETE FROM budgets_settlement"),
        (BudgetRevision, "UPDATE budgets_budgetrevision SET amount = 0"),
        (BudgetRevision, "DELETE FROM budgets_budgetrevision"),
    ],
)
def test_raw_sql_cannot_change_money_history(booked, model, sql):
    before = list(model.objects.order_by("id").values_list("id", "amount"))
    assert before
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert list(model.objects.order_by("id").values_list("id", "amount")) == before


def test_the_orm_refuses_too(booked):
    entry = LedgerEntry.objects.get()
    entry.amount = Decimal("1.00")
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        LedgerEntry.objects.all().delete()
