"""Helpers of the budget service and selector tests (the fixtures are in conftest.py)."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from maatwerk.audit.models import AccessLogEntry
from maatwerk.budgets import selectors
from maatwerk.budgets.models import Budget, BudgetRevision, LedgerEntry, Settlement, Spend
from maatwerk.journeys.models import JourneyEvent

TODAY = date(2026, 6, 15)  # the day the fixture ``frozen`` stops the clock at
D = Decimal


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


def receivable(spend):
    return selectors.with_receivable(Spend.objects.filter(pk=spend.pk)).get()


def field_errors(caught) -> dict:
    return caught.value.message_dict
