"""The scheduler tells the team's budget holders that a spend waits for their
approval: once on the next run, one reminder after MAATWERK_APPROVAL_REMINDER_DAYS
working days, never to the requester, nothing once it is decided, and no case data in
the e-mail."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from maatwerk.budgets import services
from maatwerk.budgets.models import ApprovalNotice
from maatwerk.scheduler.jobs import run_due_jobs
from maatwerk.testing.cases import make_case

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY = datetime(2026, 6, 15, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def waiting(teams, professional, budget_holder, budget_holder2, rf_request, make_user):
    with time_machine.travel(MONDAY, tick=False):
        budget = services.budget_set(
            request=rf_request(budget_holder),
            user=budget_holder,
            team=teams[0],
            year=2026,
            amount=Decimal("1000.00"),
            approval_threshold=Decimal("250.00"),
        )
        case = make_case(teams[0], professional)
        spend = services.spend_create(
            request=rf_request(professional),
            user=professional,
            case=case,
            budget=budget,
            on=date(2026, 6, 15),
            amount="400,00",
            purpose_category="transport",
            description="Vervoer naar de dagbesteding",
            payee_category="supplier",
        )
    make_user("budget_holder", teams=[teams[1]], email="other@example.org")  # never told
    return spend


def test_budget_holders_hear_once_and_get_one_reminder(
    waiting, budget_holder, budget_holder2, professional, settings
):
    settings.APPROVAL_REMINDER_DAYS = 2
    with time_machine.travel(MONDAY, tick=False):
        counts = run_due_jobs()
        assert counts["approval_notices"] == 2 and counts["approval_reminders"] == 0
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [budget_holder.email, budget_holder2.email]
        )
        assert run_due_jobs()["approval_notices"] == 0  # once
    with time_machine.travel(datetime(2026, 6, 16, 10, 0, tzinfo=AMSTERDAM), tick=False):
        assert run_due_jobs()["approval_reminders"] == 0  # one working day
    with time_machine.travel(datetime(2026, 6, 17, 10, 0, tzinfo=AMSTERDAM), tick=False):
        assert run_due_jobs()["approval_reminders"] == 2
        assert run_due_jobs()["approval_reminders"] == 0
    assert len(mail.outbox) == 4
    assert ApprovalNotice.objects.count() == 4
    assert professional.email not in {m.to[0] for m in mail.outbox}


def test_the_requester_is_never_told_even_as_a_budget_holder(
    teams, make_user, budget_holder, rf_request, settings
):
    both = make_user("professional", "budget_holder", teams=[teams[0]], email="b@example.org")
    with time_machine.travel(MONDAY, tick=False):
        budget = services.budget_set(
            request=rf_request(budget_holder),
            user=budget_holder,
            team=teams[0],
            year=2026,
            amount=Decimal("1000.00"),
            approval_threshold=Decimal("100.00"),
        )
        case = make_case(teams[0], both)
        services.spend_create(
            request=rf_request(both),
            user=both,
            case=case,
            budget=budget,
            on=date(2026, 6, 15),
            amount="200",
            purpose_category="living",
            description="Boodschappen",
            payee_category="household",
        )
        run_due_jobs()
    assert [m.to[0] for m in mail.outbox] == [budget_holder.email]


def test_a_decided_spend_gets_no_more_mail_and_the_mail_holds_no_case_data(
    waiting, budget_holder, rf_request
):
    with time_machine.travel(MONDAY, tick=False):
        run_due_jobs()
        body = mail.outbox[0].body + mail.outbox[0].subject
        assert waiting.reference in body and "400,00" in body
        assert "Vervoer" not in body and waiting.case.household.pseudonym not in body
        services.spend_approve(request=rf_request(budget_holder), user=budget_holder, spend=waiting)
    mail.outbox.clear()
    with time_machine.travel(datetime(2026, 6, 22, 10, 0, tzinfo=AMSTERDAM), tick=False):
        counts = run_due_jobs()
    assert counts["approval_reminders"] == 0 and mail.outbox == []
