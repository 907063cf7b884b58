"""The start page's budget section: spends waiting for approval and open receivables by
age, bounded, constant in the number of spends, logged like the approvals page."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from maatwerk.audit.models import AccessLogEntry
from maatwerk.budgets.start import START_SIZE, receivables_by_age
from maatwerk.budgets.tests.support import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def section_of(response):
    return next(s for s in response.context["sections"] if s["template"].startswith("budgets/"))


def test_the_budget_holder_sees_the_spends_waiting_for_approval(
    client, login, make_spend, budget_holder2
):
    waiting = make_spend("300,00")  # above the threshold of € 250,00
    make_spend("100,00")  # booked at once: nothing to approve
    login(budget_holder2)
    response = client.get("/")
    section = section_of(response)
    assert [spend.pk for spend in section["awaiting"]] == [waiting.pk]
    assert section["awaiting_total"] == 1
    assert waiting.reference in response.content.decode()
    log = AccessLogEntry.objects.get(detail__startswith="start page, awaiting approval")
    assert waiting.reference in log.detail


def test_open_receivables_are_counted_by_age(make_spend, budget_holder, orgs, settle):
    with time_machine.travel(TODAY - timedelta(days=100)):
        old = make_spend(
            "200", bridging=True, responsible_candidates=list(orgs), on=TODAY - timedelta(days=100)
        )
    make_spend("150", bridging=True, responsible_candidates=list(orgs))
    recent = make_spend("120", bridging=True, responsible_candidates=list(orgs))
    settle(recent, "20")
    ages = receivables_by_age(budget_holder, TODAY)
    assert [(age["count"], age["open"]) for age in ages] == [
        (2, Decimal("250.00")),
        (0, 0),
        (1, Decimal("200.00")),
        (0, 0),
    ]
    settle(old, "200", final=True)
    assert receivables_by_age(budget_holder, TODAY)[2]["count"] == 0


def test_a_professional_has_no_budget_section(client, login, professional):
    login(professional)
    templates = [s["template"] for s in client.get("/").context["sections"]]
    assert "budgets/_start_budget.html" not in templates


def test_the_budget_section_needs_as_many_queries_with_more_spends(
    client, login, make_spend, budget_holder2, orgs, assert_constant_queries
):
    make_spend("300,00")
    make_spend("90", bridging=True, responsible_candidates=list(orgs))
    login(budget_holder2)

    def grow():
        for _ in range(START_SIZE + 3):
            make_spend("260,00")
            make_spend("10", bridging=True, responsible_candidates=list(orgs))

    runs = assert_constant_queries(lambda: client.get("/"), grow)
    section = section_of(runs.after.result)
    assert len(section["awaiting"]) == START_SIZE
    assert section["awaiting_total"] == START_SIZE + 4
