"""The scheduled jobs: overdue on the right working day, and every notice once."""

import importlib
import os
import signal
import smtplib
import threading
import time
from datetime import date, datetime
from io import StringIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case
from maatwerk.journeys import jobs
from maatwerk.journeys.calendar import add_working_days
from maatwerk.journeys.jobs import mark_overdue, notice_key
from maatwerk.journeys.models import Request
from maatwerk.journeys.services import record_event, request_create
from maatwerk.journeys.workflow import BEYOND_ROUTE
from maatwerk.notices.kinds import render
from maatwerk.notices.models import Kind, Notice
from maatwerk.scheduler import jobs as scheduler_jobs
from maatwerk.scheduler.jobs import run_due_jobs
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import (
    ContactFactory,
    EscalationStepFactory,
    OrganisationFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SUBMITTED = date(2027, 3, 11)  # a Thursday; + 10 working days = Thursday 25 March 2027


class _OverdueNotices:
    def __get__(self, instance, owner):
        return Notice.objects.filter(kind=Kind.OVERDUE)


class Notification:
    """The overdue notices (the journey's other notices: test_notices.py)."""

    objects = _OverdueNotices()


NOTICE_JOBS = ("notifications by e-mail", "daily digest of notifications")
SCHEDULER = importlib.import_module("maatwerk.scheduler.management.commands.scheduler")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def only_the_overdue_notices(monkeypatch):
    """This file is about the overdue notices; the e-mails of the journey's other
    notices (the new request to the decision maker, …) are in test_notices.py."""
    monkeypatch.setattr(
        scheduler_jobs,
        "DUE_JOBS",
        [job for job in scheduler_jobs.DUE_JOBS if job[0] not in NOTICE_JOBS],
    )


@pytest.fixture
def clock():
    with time_machine.travel(at(SUBMITTED), tick=False) as traveller:
        yield lambda day, hour=9: traveller.move_to(at(day, hour))


@pytest.fixture
def world(make_user, clock):
    team = TeamFactory(organisation=OrganisationFactory(name="Gemeente Zaanstad"))
    owner = make_user("professional", teams=[team], email="casusregisseur@zaanstad.example.org")
    uwv = OrganisationFactory(name="UWV", type="national_agency", response_target_days=10)
    national = OrganisationFactory(name="Landelijk Maatwerkloket", type="national_desk")
    contacts = {
        1: ContactFactory(organisation=uwv, name="Anna Contact", email="maatwerk@uwv.example.org"),
        2: ContactFactory(organisation=uwv, name="Bert Manager", email="manager@uwv.example.org"),
        3: ContactFactory(organisation=uwv, name="Cor Directeur", email="directie@uwv.example.org"),
        4: ContactFactory(organisation=national, name="Dina Landelijk", email="team@lml.example"),
    }
    for level, contact in contacts.items():
        EscalationStepFactory(organisation=uwv, level=level, contact=contact)
    decider = make_user("decision_maker", organisation=uwv, email="beslisser@uwv.example.org")
    other_decider = make_user("decision_maker", organisation=national)
    uwv_colleague = make_user("professional", organisation=uwv)  # no decide permission
    case = make_case(team, owner)
    req = request_create(
        request=None, user=owner, case=case, organisation=uwv, subject="WW ondanks ziekte"
    )
    record_event(request=None, user=owner, req=req, type="submitted", on=SUBMITTED)
    req.refresh_from_db()
    return SimpleNamespace(
        owner=owner,
        uwv=uwv,
        contacts=contacts,
        decider=decider,
        other_decider=other_decider,
        uwv_colleague=uwv_colleague,
        case=case,
        req=req,
    )


def overdue(req) -> bool:
    return Request.objects.get(pk=req.pk).overdue


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- The overdue rule -----------------------------------------------------------------


def test_due_date_is_thursday_before_easter(world):
    assert world.req.due_on == add_working_days(SUBMITTED, 10) == date(2027, 3, 25)


@pytest.mark.parametrize(
    ("due_on", "day", "expected"),
    [
        # Due Thursday 25 March 2027: Good Friday, the weekend and Easter Monday are
        # no working days, so the next working day (overdue) is Tuesday 30 March.
        (date(2027, 3, 25), date(2027, 3, 25), False),
        (date(2027, 3, 25), date(2027, 3, 26), False),  # Good Friday
        (date(2027, 3, 25), date(2027, 3, 27), False),  # Saturday
        (date(2027, 3, 25), date(2027, 3, 28), False),  # Easter Sunday
        (date(2027, 3, 25), date(2027, 3, 29), False),  # Easter Monday
        (date(2027, 3, 25), date(2027, 3, 30), True),  # Tuesday
        # Due on the Friday itself (set by hand: a computed due date never is a holiday).
        (date(2027, 3, 26), date(2027, 3, 27), False),
        (date(2027, 3, 26), date(2027, 3, 28), False),
        (date(2027, 3, 26), date(2027, 3, 29), False),
        (date(2027, 3, 26), date(2027, 3, 30), True),
    ],
)
def test_overdue_on_the_first_working_day_after_the_due_date(world, clock, due_on, day, expected):
    # By hand, not by travelling: a due date on a holiday is never computed.
    Request.objects.filter(pk=world.req.pk).update(due_on=due_on)
    clock(day, hour=23)
    run_due_jobs()
    assert overdue(world.req) is expected
    assert bool(mail.outbox) is expected


def test_the_frozen_clock_and_an_explicit_today_agree(world, clock):
    # By hand, not by travelling: a due date on a holiday (Good Friday) is never computed.
    Request.objects.filter(pk=world.req.pk).update(due_on=date(2027, 3, 26))
    assert mark_overdue(today=date(2027, 3, 29)) == 0
    clock(date(2027, 3, 30), hour=0)  # just after midnight, Amsterdam time
    assert mark_overdue() == 1
    assert mark_overdue() == 0  # marked already


@pytest.mark.parametrize("state", ["refused", "approved", "withdrawn", "information_requested"])
def test_only_waiting_requests_become_overdue(world, clock, state):
    Request.objects.filter(pk=world.req.pk).update(state=state)
    clock(date(2027, 4, 6))
    counts = run_due_jobs()
    assert counts["marked_overdue"] == 0 and not overdue(world.req)
    assert mail.outbox == [] and not Notification.objects.exists()


def test_a_request_that_no_longer_waits_loses_the_flag(world, clock):
    clock(date(2027, 3, 30))
    run_due_jobs()
    assert overdue(world.req)
    # A row changed outside record_event (which clears the flag itself): the job
    # brings the flag back in line with the rule.
    Request.objects.filter(pk=world.req.pk).update(state=Request.State.REFUSED)
    assert run_due_jobs()["no_longer_overdue"] == 1
    assert not overdue(world.req)


# --- Once -----------------------------------------------------------------------------


def test_the_job_notifies_once(world, clock):
    clock(date(2027, 3, 30))
    first = run_due_jobs()
    assert first["marked_overdue"] == 1
    assert first["notices"] == 1 and first["emails"] == 2 and first["notifications"] == 2
    assert first["attention_refreshed"] == 1  # its case now needs attention: refreshed once
    again = run_due_jobs()  # same day, already overdue
    assert again == {
        "attention_refreshed": 0,
        "marked_overdue": 0,
        "no_longer_overdue": 0,
        "notices": 0,
        "notifications": 0,
        "emails": 0,
        "refused": 0,
        "approval_notices": 0,
        "approval_reminders": 0,
        "emergency_access_notices": 0,
        "learning_point_reminders": 0,
        "learning_point_follow_ups": 0,
        "signal_escalations": 0,
        "signal_bundles_deleted": 0,
        "invitations": 0,
        "invitation_emails": 0,
        "invitations_refused": 0,
        # The first run's checkpoint covers its rows; nothing new since.
        "audit_checkpoints": 0,
        "audit_checkpoint_refused": 0,
    }
    clock(date(2027, 3, 31))
    run_due_jobs()
    call_command("run-jobs", stdout=StringIO())

    # One e-mail to the case owner and one to the level 1 contact; nobody else.
    assert recipients() == ["casusregisseur@zaanstad.example.org", "maatwerk@uwv.example.org"]
    # In the app: the owner and the organisation's decision maker, once each.
    key = notice_key(world.req.pk, date(2027, 3, 25), 1)
    assert sorted(Notification.objects.values_list("recipient__username", "key")) == sorted(
        [(world.owner.username, key), (world.decider.username, key)]
    )
    shares = AccessLogEntry.objects.filter(action=Action.SHARE, actor_username="scheduler")
    assert shares.count() == 1
    share = shares.get()
    assert share.actor is None and share.household == world.case.household.pseudonym
    assert share.object_id == str(world.req.pk) and "level 1" in share.detail


def test_after_an_escalation_the_next_level_is_notified_once(world, clock):
    clock(date(2027, 3, 30))
    run_due_jobs()
    clock(date(2027, 3, 31))
    record_event(
        request=None,
        user=world.owner,
        req=world.req,
        type="escalated",
        level=2,
        escalated_to=world.contacts[2],
    )
    world.req.refresh_from_db()
    assert world.req.due_on == date(2027, 4, 14) and not world.req.overdue
    run_due_jobs()
    assert len(mail.outbox) == 2  # the new due date has not passed
    clock(date(2027, 4, 14), hour=23)
    run_due_jobs()
    assert len(mail.outbox) == 2
    clock(date(2027, 4, 15))
    counts = run_due_jobs()
    assert counts["notices"] == 1
    run_due_jobs()
    clock(date(2027, 4, 16))
    run_due_jobs()
    new = [message.to[0] for message in mail.outbox[2:]]
    assert sorted(new) == ["casusregisseur@zaanstad.example.org", "directie@uwv.example.org"]
    level_3 = notice_key(world.req.pk, date(2027, 4, 14), 3)
    assert Notification.objects.filter(key=level_3).count() == 2
    assert Notification.objects.filter(recipient=world.owner).count() == 2


def test_at_level_3_the_national_contact_is_proposed(world, clock):
    Request.objects.filter(pk=world.req.pk).update(escalation_level=3)
    clock(date(2027, 3, 30))
    run_due_jobs()
    assert recipients() == ["casusregisseur@zaanstad.example.org", "team@lml.example"]
    assert Notification.objects.filter(key=notice_key(world.req.pk, date(2027, 3, 25), 4)).exists()


def test_at_level_4_the_doorbraaktafel_is_proposed_not_level_4_again(world, clock):
    Request.objects.filter(pk=world.req.pk).update(escalation_level=4)
    clock(date(2027, 3, 30))
    run_due_jobs()
    # Only the case owner: there is no escalation contact beyond the route.
    assert recipients() == ["casusregisseur@zaanstad.example.org"]
    assert "doorbraaktafel" in mail.outbox[0].body
    key = notice_key(world.req.pk, date(2027, 3, 25), BEYOND_ROUTE)
    notice = Notification.objects.get(key=key, recipient=world.owner)
    assert "doorbraaktafel" in render(notice.kind, notice.facts)
    assert not Notification.objects.filter(key=notice_key(world.req.pk, date(2027, 3, 25), 4))


def test_a_notice_another_run_already_sent_is_not_sent_again(world, clock):
    """What a second scheduler that got there first leaves behind."""
    key = notice_key(world.req.pk, date(2027, 3, 25), 1)
    Notification.objects.create(
        recipient=world.decider,
        case=world.req.case,
        kind="overdue",
        subject="journeys.request",
        object_id=world.req.pk,
        key=key,
        url_name="journeys:decide",
        url_args=[world.req.pk],
    )
    clock(date(2027, 3, 30))
    counts = run_due_jobs()
    assert counts["marked_overdue"] == 1 and counts["notices"] == 0
    assert mail.outbox == []


def test_a_failing_mail_server_rolls_the_notice_back_and_the_next_run_sends_it(
    world, clock, monkeypatch
):
    clock(date(2027, 3, 30))
    original = jobs.EmailMessage.send

    def broken(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(jobs.EmailMessage, "send", broken)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        run_due_jobs()
    assert overdue(world.req)  # marking is committed on its own
    assert not Notification.objects.exists()
    assert not AccessLogEntry.objects.filter(actor_username="scheduler").exists()
    monkeypatch.setattr(jobs.EmailMessage, "send", original)
    assert run_due_jobs()["notices"] == 1
    assert len(mail.outbox) == 2


def test_a_refused_address_is_not_retried(world, clock, monkeypatch):
    clock(date(2027, 3, 30))
    original = jobs.EmailMessage.send

    def refuse_contact(self, fail_silently=False):
        if self.to == ["maatwerk@uwv.example.org"]:
            raise smtplib.SMTPRecipientsRefused({self.to[0]: (550, b"no such user")})
        return original(self, fail_silently)

    monkeypatch.setattr(jobs.EmailMessage, "send", refuse_contact)
    counts = run_due_jobs()
    assert counts["notices"] == 1 and counts["emails"] == 1 and counts["refused"] == 1
    assert run_due_jobs()["notices"] == 0
    assert recipients() == ["casusregisseur@zaanstad.example.org"]
    # Nothing reached the outside contact, so nothing was shared.
    assert not AccessLogEntry.objects.filter(actor_username="scheduler").exists()


def test_inactive_and_other_users_get_nothing(world, clock):
    world.owner.is_active = False
    world.owner.save()
    world.decider.is_active = False
    world.decider.save()
    clock(date(2027, 3, 30))
    run_due_jobs()
    assert recipients() == ["maatwerk@uwv.example.org"]
    notified = set(Notification.objects.values_list("recipient_id", flat=True))
    assert notified == {world.owner.pk}  # the owner's row is the record that it was sent
    for user in (world.decider, world.other_decider, world.uwv_colleague):
        assert user.pk not in notified


def test_no_contact_for_the_level(world, clock, settings):
    settings.LANGUAGE_CODE = "en"
    Request.objects.filter(pk=world.req.pk).update(escalation_level=1)
    world.uwv.escalation_steps.filter(level=2).delete()
    clock(date(2027, 3, 30))
    run_due_jobs()
    assert recipients() == ["casusregisseur@zaanstad.example.org"]
    assert "no contact for this level" in mail.outbox[0].body


# --- What the e-mail says --------------------------------------------------------------


@pytest.mark.parametrize(("language", "due"), [("nl", "25 maart 2027"), ("en", "March 25, 2027")])
def test_the_email_carries_the_pseudonym_and_no_case_content(world, clock, settings, language, due):
    settings.SITE_URL = "https://maatwerk.example.org"
    settings.LANGUAGE_CODE = language  # e-mails are written in the installation's language
    Case.objects.filter(pk=world.case.pk).update(needed="Schuldhulp en rust")
    clock(date(2027, 3, 30))
    run_due_jobs()
    pseudonym = world.case.household.pseudonym
    owner_mail, contact_mail = sorted(mail.outbox, key=lambda message: message.to[0])
    for message in (owner_mail, contact_mail):
        text = f"{message.subject}\n{message.body}"
        assert pseudonym in text and "R1" in text and "UWV" in text
        assert message.from_email == "maatwerk@localhost"
        for secret in (
            "Wij willen rust",  # the perspective
            "WW ondanks ziekte",  # what was asked
            "Schuldhulp",  # what is needed
            world.owner.last_name,
            world.owner.first_name,
            "Anna",  # the contact's own name
        ):
            assert secret not in text, secret
    assert f"https://maatwerk.example.org/journeys/requests/{world.req.pk}/" in owner_mail.body
    assert "https://maatwerk.example.org/journeys/" in contact_mail.body
    assert due in owner_mail.body and due in contact_mail.body
    if language == "en":
        assert "escalation level 1 (maatwerk contact)" in owner_mail.body


# --- Commands ---------------------------------------------------------------------------


def test_run_jobs_command_prints_the_counts(world, clock):
    clock(date(2027, 3, 30))
    out = StringIO()
    call_command("run-jobs", stdout=out)
    assert "marked_overdue=1" in out.getvalue() and "notices=1" in out.getvalue()
    assert len(mail.outbox) == 2


def test_scheduler_once(world, clock):
    clock(date(2027, 3, 30))
    call_command("scheduler", "--once")
    call_command("scheduler", "--once")
    assert len(mail.outbox) == 2


def test_scheduler_once_reports_a_failure(world, clock, monkeypatch):
    monkeypatch.setattr(scheduler_jobs, "run_due_jobs", lambda **kw: 1 / 0)
    with pytest.raises(CommandError):
        call_command("scheduler", "--once")


def test_scheduler_job_is_configured_to_run_one_at_a_time():
    scheduler = SCHEDULER.build_scheduler(300)
    (job,) = scheduler.get_jobs()
    assert job.max_instances == 1 and job.coalesce is True
    assert job.trigger.interval.total_seconds() == 300
    assert job.next_run_time is not None  # runs at the start too


def in_a_process_of_its_own(body):
    """Run ``body`` in a forked child, which has this one thread only, as the real
    ``maatwerk scheduler`` process has. A signal sent to the process goes to any thread
    that does not block it: under pytest-xdist (``make test``) the worker has threads of
    its own that do not, and a SIGTERM there ends the whole worker. The child's exit
    code says whether ``body`` passed (its traceback goes to stderr)."""
    import multiprocessing
    import traceback

    def run():
        try:
            body()
        except BaseException:  # reported through the exit code
            traceback.print_exc()
            os._exit(1)
        os._exit(0)

    child = multiprocessing.get_context("fork").Process(target=run)
    child.start()
    child.join(60)
    if child.is_alive():  # pragma: no cover - reported by the assert
        child.kill()
    assert child.exitcode == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_scheduler_runs_at_start_and_stops_on_a_signal(monkeypatch, signum):
    in_a_process_of_its_own(lambda: _runs_at_start_and_stops_on(monkeypatch, signum))


def _runs_at_start_and_stops_on(monkeypatch, signum):
    ran = threading.Event()

    def fake_run():
        ran.set()
        return {}

    monkeypatch.setattr(SCHEDULER, "run_scheduled", fake_run)

    def stop_when_ran():
        # Like a signal from outside: this thread does not take it itself.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signum})
        if ran.wait(10):
            os.kill(os.getpid(), signum)

    killer = threading.Thread(target=stop_when_ran, daemon=True)
    handler = signal.getsignal(signum)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    killer.start()
    call_command("scheduler", "--interval", "3600")  # returns once stopped
    killer.join(5)
    assert ran.is_set()
    # The test process is left as it was: same handler, nothing blocked.
    assert signal.getsignal(signum) == handler
    assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) == mask


def test_scheduler_stops_when_the_signal_comes_before_it_started(monkeypatch):
    in_a_process_of_its_own(lambda: _stops_when_the_signal_comes_first(monkeypatch))


def _stops_when_the_signal_comes_first(monkeypatch):
    monkeypatch.setattr(SCHEDULER, "run_scheduled", dict)
    original = SCHEDULER.BlockingScheduler.start

    def late_start(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)  # blocked, so it waits for the watcher
        time.sleep(0.2)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SCHEDULER.BlockingScheduler, "start", late_start)
    call_command("scheduler", "--interval", "3600")


# --- Two schedulers at once (PostgreSQL) -----------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_the_same_time_send_each_notice_once(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL)")
    team = TeamFactory()
    owner = make_user("professional", teams=[team], email="owner@example.org")
    uwv = OrganisationFactory(name="UWV", response_target_days=10)
    EscalationStepFactory(organisation=uwv, level=1, contact__email="contact@uwv.example.org")
    cases = [make_case(team, owner) for _ in range(20)]
    Request.objects.bulk_create(
        Request(
            case=case,
            reference="R1",
            organisation=uwv,
            subject="x",
            state=Request.State.WAITING,
            due_on=date(2027, 3, 25),
            created_by=owner,
        )
        for case in cases
    )
    runners, barrier, results, errors = 4, threading.Barrier(4), [], []

    def runner():
        try:
            barrier.wait()
            results.append(run_due_jobs(today=date(2027, 3, 30)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(result["notices"] for result in results) == 20
    assert sum(result["marked_overdue"] for result in results) == 20
    assert len(mail.outbox) == 40
    assert Notification.objects.count() == 20
    assert AccessLogEntry.objects.filter(actor_username="scheduler").count() == 20


def test_the_overdue_notice_goes_when_the_access_goes(world, clock):
    """The overdue notice, like every kind: shown only while the recipient may see the
    request (the case owner who moved team, the decision maker who changed organisation
    lose it); a closed case is never chased (test_closing.py)."""
    from maatwerk.notices.selectors import notices_for

    clock(date(2027, 3, 30))
    run_due_jobs()
    owner_notice = Notice.objects.get(kind=Kind.OVERDUE, recipient=world.owner)
    assert list(notices_for(world.owner)) == [owner_notice]
    assert Notice.objects.filter(kind=Kind.OVERDUE, recipient=world.decider).count() == 1
    world.owner.teams.clear()
    world.decider.organisation = world.other_decider.organisation
    world.decider.save()
    assert list(notices_for(world.owner)) == []
    assert [n for n in notices_for(world.decider) if n.kind == Kind.OVERDUE] == []
