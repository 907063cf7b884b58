"""The two deadlines with frozen time (working days, Dutch holidays), the escalation of
an overdue bundle to the team lead (once), and the retention deletion (logged)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from maatwerk.audit.models import AccessLogEntry
from maatwerk.early_signals import deadlines, jobs, services
from maatwerk.early_signals.models import (
    Bundle,
    BundleEscalation,
    OutreachAttempt,
    Signal,
    SignalChange,
)
from maatwerk.scheduler.jobs import run_due_jobs

from .conftest import row

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


@pytest.fixture
def clock():
    with time_machine.travel(at(date(2027, 3, 1)), tick=False) as traveller:
        yield lambda day: traveller.move_to(at(day))


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2027, 3, 1), date(2027, 3, 30)),  # 29 March is Easter Monday
        (date(2027, 3, 3), date(2027, 3, 31)),  # four weeks: a Wednesday
        (date(2027, 4, 1), date(2027, 4, 29)),
        (date(2027, 3, 30), date(2027, 4, 28)),  # 27 April is King's Day (a Tuesday)
        (date(2027, 4, 3), date(2027, 5, 3)),  # Saturday 1 May → Monday 3 May
    ],
)
def test_four_weeks_moves_off_weekends_and_holidays(received, due):
    assert deadlines.contact_due_on("rent", received) == due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2027, 3, 1), date(2027, 3, 4)),  # Monday → Thursday
        (date(2027, 3, 4), date(2027, 3, 9)),  # Thursday → over the weekend → Tuesday
        # Wednesday 24 March 2027: Thursday 25 (1), Good Friday 26 (a holiday), the
        # weekend, Easter Monday 29 (a holiday), Tuesday 30 (2), Wednesday 31 (3).
        (date(2027, 3, 24), date(2027, 3, 31)),
        # Thursday 23 December 2027: Friday 24 (1), Christmas on the weekend, Monday 27
        # (2), Tuesday 28 (3).
        (date(2027, 12, 23), date(2027, 12, 28)),
    ],
)
def test_three_working_days_when_threatening(received, due):
    assert deadlines.contact_due_on("eviction_announced", received) == due
    assert deadlines.contact_due_on("disconnection_announced", received) == due


def test_the_deadlines_are_configurable():
    with override_settings(SIGNAL_CONTACT_DAYS=14, SIGNAL_THREAT_WORKING_DAYS=5):
        assert deadlines.contact_due_on("gas", date(2027, 3, 1)) == date(2027, 3, 15)
        assert deadlines.contact_due_on("eviction_announced", date(2027, 3, 1)) == date(2027, 3, 8)


def test_an_extra_holiday_counts_as_well():
    with override_settings(EXTRA_HOLIDAYS=[date(2027, 3, 2)]):
        assert deadlines.contact_due_on("eviction_announced", date(2027, 3, 1)) == date(2027, 3, 5)


# --- Escalation ---------------------------------------------------------------------


@pytest.fixture
def world(db, make_user, creditor, team, clock):
    lead = make_user("budget_holder", teams=[team], email="teamleider@gemeente.example.org")
    make_user("budget_holder", email="andere@gemeente.example.org")  # another team's lead
    professional = make_user("professional", teams=[team], email="pro@gemeente.example.org")
    # Received Wednesday 24 March 2027, an eviction announced: due Wednesday 31 March
    # (Good Friday and Easter Monday are no working days).
    clock(date(2027, 3, 24))
    services.intake_signals(
        [row(type="eviction_announced", bedrag="")],
        creditor=creditor,
        team=team,
    )
    return {"lead": lead, "professional": professional, "bundle": Bundle.objects.get()}


def test_an_overdue_bundle_escalates_to_its_team_lead_once(world, clock):
    bundle = world["bundle"]
    assert bundle.contact_due_on == date(2027, 3, 31)
    clock(date(2027, 3, 31))  # the whole due day counts
    assert run_due_jobs()["signal_escalations"] == 0
    clock(date(2027, 4, 1))
    assert run_due_jobs()["signal_escalations"] == 1
    assert [message.to for message in mail.outbox] == [["teamleider@gemeente.example.org"]]
    body = mail.outbox[0].body
    assert bundle.reference in body and "Berg" not in body and "1234" not in body
    assert run_due_jobs()["signal_escalations"] == 0  # once
    clock(date(2027, 4, 2))
    assert jobs.escalate_overdue()["signal_escalations"] == 0
    assert BundleEscalation.objects.get().recipient == world["lead"]


def test_a_bundle_contacted_in_time_is_not_escalated(world, clock, rf):
    clock(date(2027, 3, 29))
    request = rf.get("/")
    request.user = world["professional"]
    services.attempt_record(
        request=request,
        user=world["professional"],
        bundle=world["bundle"],
        kind=OutreachAttempt.Kind.PHONE,
        on=date(2027, 3, 29),
        result=OutreachAttempt.Result.REACHED,
    )
    clock(date(2027, 4, 2))
    assert jobs.escalate_overdue()["signal_escalations"] == 0
    world["bundle"].refresh_from_db()
    assert world["bundle"].first_contact_on == date(2027, 3, 29)


def test_a_letter_alone_is_no_contact(world, clock, rf):
    clock(date(2027, 3, 25))
    request = rf.get("/")
    request.user = world["professional"]
    services.attempt_record(
        request=request,
        user=world["professional"],
        bundle=world["bundle"],
        kind=OutreachAttempt.Kind.LETTER,
        on=date(2027, 3, 25),
        result=OutreachAttempt.Result.SENT,
    )
    clock(date(2027, 4, 1))
    assert jobs.escalate_overdue()["signal_escalations"] == 1


# --- Retention ----------------------------------------------------------------------


def test_signal_data_that_did_not_lead_to_help_is_deleted_after_the_period(
    world, clock, creditor, team
):
    bundle = world["bundle"]
    services.intake_signals([row(bedrag="900")], creditor=creditor, team=team)  # history
    assert SignalChange.objects.exists()
    Bundle.objects.filter(pk=bundle.pk).update(
        outcome="declined", outcome_on=date(2027, 4, 1), status="closed"
    )
    with override_settings(SIGNAL_RETENTION_DAYS=365):
        clock(date(2028, 3, 31))  # 365 days after 1 April 2027 falls on 31 March 2028
        assert jobs.delete_expired()["signal_bundles_deleted"] == 0
        clock(date(2028, 4, 1))
        assert jobs.delete_expired()["signal_bundles_deleted"] == 1
        assert jobs.delete_expired()["signal_bundles_deleted"] == 0
    assert not Bundle.objects.exists() and not Signal.objects.exists()
    assert not SignalChange.objects.exists()
    entry = AccessLogEntry.objects.filter(action="delete").get()
    assert entry.household == bundle.reference and entry.actor_username == "scheduler"
    assert "retention" in entry.detail and entry.processing_activity == "early_signals"


def test_a_bundle_that_led_to_help_is_kept(world, clock):
    Bundle.objects.filter(pk=world["bundle"].pk).update(
        outcome="help_accepted", outcome_on=date(2027, 4, 1), status="closed"
    )
    clock(date(2030, 1, 1))
    assert jobs.delete_expired()["signal_bundles_deleted"] == 0
    assert Bundle.objects.exists()


def test_a_bundle_never_followed_up_goes_after_the_period_since_its_last_signal(world, clock):
    with override_settings(SIGNAL_RETENTION_DAYS=30):
        clock(date(2027, 4, 23))
        assert jobs.delete_expired()["signal_bundles_deleted"] == 0
        clock(date(2027, 4, 24))
        assert jobs.delete_expired()["signal_bundles_deleted"] == 1
