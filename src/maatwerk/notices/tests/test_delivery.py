"""The scheduler's delivery of notices (notices.jobs): by e-mail or in the daily digest,
exactly once (two runs, two schedulers at once), as the user prefers, never after the
access is gone and never for a closed case."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from maatwerk.cases.models import Case
from maatwerk.notices import jobs
from maatwerk.notices.models import Delivery, Digest, Kind, MailState, Notice, Preference
from maatwerk.notices.policy import CASE
from maatwerk.notices.services import notify
from maatwerk.notices.tests.support import case_notice
from maatwerk.scheduler.jobs import DUE_JOBS, run_due_jobs
from maatwerk.testing.cases import make_case
from maatwerk.testing.concurrency import run_in_threads
from maatwerk.testing.factories import TeamFactory

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY = date(2027, 3, 8)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


@pytest.fixture
def world(make_user):
    team = TeamFactory()
    owner = make_user("professional", teams=[team], email="owner@example.org")
    case = make_case(team, owner)
    return team, owner, case


def test_the_jobs_are_due_jobs():
    names = [name for name, _job in DUE_JOBS]
    assert "notifications by e-mail" in names and "daily digest of notifications" in names
    assert names[-1] == "access-log checkpoint"  # still last


def test_an_email_notice_is_sent_once(world):
    _team, owner, case = world
    (notice,) = case_notice(case, [owner])
    assert notice.mail_state == MailState.PENDING and mail.outbox == []  # not from the event
    assert jobs.mail_notices() == {"notice_emails": 1, "notice_emails_dropped": 0}
    assert jobs.mail_notices() == {"notice_emails": 0, "notice_emails_dropped": 0}
    run_due_jobs()
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    message = mail.outbox[0]
    assert case.household.pseudonym in message.subject and case.household.pseudonym in message.body
    assert f"/cases/{case.pk}/" in message.body
    notice = Notice.objects.get()
    assert notice.mail_state == MailState.SENT and notice.mailed_at is not None


def test_the_same_event_twice_is_one_notice(world):
    _team, owner, case = world
    case_notice(case, [owner])
    case_notice(case, [owner])  # the producer ran again (same key)
    assert Notice.objects.count() == 1


def test_a_failing_mail_server_rolls_back_and_the_next_run_sends_it(world, monkeypatch):
    _team, owner, case = world
    case_notice(case, [owner])
    original = jobs.EmailMessage.send

    def broken(self, fail_silently=False):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(jobs.EmailMessage, "send", broken)
    with pytest.raises(ConnectionError):
        jobs.mail_notices()
    assert Notice.objects.get().mail_state == MailState.PENDING
    monkeypatch.setattr(jobs.EmailMessage, "send", original)
    assert jobs.mail_notices()["notice_emails"] == 1


def test_app_only_and_no_address_are_not_mailed(world, make_user):
    team, owner, case = world
    Preference.objects.create(user=owner, kind=Kind.MEETING_PLANNED, delivery=Delivery.APP)
    silent = make_user("professional", teams=[team], email="")
    case_notice(case, [owner, silent])
    assert set(Notice.objects.values_list("mail_state", flat=True)) == {MailState.NONE}
    run_due_jobs()
    assert mail.outbox == []


def test_not_mailed_after_the_access_is_gone_or_for_a_closed_case(world, make_user):
    team, owner, case = world
    colleague = make_user("professional", teams=[team], email="colleague@example.org")
    case_notice(case, [owner, colleague])
    owner.teams.clear()
    assert jobs.mail_notices() == {"notice_emails": 1, "notice_emails_dropped": 1}
    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]
    other = make_case(team, colleague)
    case_notice(other, [colleague])
    Case.objects.filter(pk=other.pk).update(status=Case.Status.CLOSED)
    assert jobs.mail_notices() == {"notice_emails": 0, "notice_emails_dropped": 1}
    other.refresh_from_db()
    assert case_notice(other, [colleague], n=2) == []  # and none is made for it


def test_the_daily_digest_is_sent_once_a_day_with_the_notices_of_before(world):
    _team, owner, case = world
    Preference.objects.create(user=owner, kind=Kind.MEETING_PLANNED, delivery=Delivery.DIGEST)
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        case_notice(case, [owner], n=1)
        case_notice(case, [owner], n=2)
        run_due_jobs()
        assert mail.outbox == []  # not during the day: tomorrow's digest
        assert jobs.mail_notices()["notice_emails"] == 0  # nor as single e-mails
        clock.move_to(at(date(2027, 3, 9), 0))
        run_due_jobs()
        run_due_jobs()
        assert len(mail.outbox) == 1
        digest = mail.outbox[0]
        assert digest.to == ["owner@example.org"] and digest.body.count(f"/cases/{case.pk}/") == 2
        clock.move_to(at(date(2027, 3, 9), 10))
        case_notice(case, [owner], n=3)  # a notice of Tuesday: Wednesday's digest
        clock.move_to(at(date(2027, 3, 9), 23))
        run_due_jobs()
        assert len(mail.outbox) == 1
        clock.move_to(at(date(2027, 3, 10), 6))
        run_due_jobs()
        assert len(mail.outbox) == 2 and mail.outbox[1].body.count(f"/cases/{case.pk}/") == 1
    assert Digest.objects.filter(recipient=owner).count() == 2


def test_a_digest_of_today_sent_already_is_not_sent_again(world):
    _team, owner, case = world
    Preference.objects.create(user=owner, kind=Kind.MEETING_PLANNED, delivery=Delivery.DIGEST)
    with time_machine.travel(at(MONDAY, 10), tick=False) as clock:
        case_notice(case, [owner])
        clock.move_to(at(date(2027, 3, 9), 7))
        Digest.objects.create(recipient=owner, day=date(2027, 3, 9))  # another scheduler
        assert jobs.send_digests()["digests"] == 0
    assert mail.outbox == []
    assert Notice.objects.get().mail_state == MailState.PENDING  # tomorrow's digest


def test_a_notice_carries_only_the_non_sensitive_facts(world):
    """What an e-mail says is built from the facts alone, and those are limited to
    the pseudonym, a reference, an organisation, dates and a level."""
    _team, owner, case = world
    with pytest.raises(ValueError, match="subject"):
        notify(
            kind=Kind.REFUSED,
            recipients=[owner],
            case=case,
            subject=CASE,
            object_id=case.pk,
            key="refused:x",
            facts={"household": case.household.pseudonym, "subject": "WW ondanks ziekte"},
            url_name="cases:case_detail",
            url_args=[case.pk],
        )
    assert not Notice.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_each_notice_and_digest_once(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL)")
    team = TeamFactory()
    users = [make_user("professional", teams=[team], email=f"p{i}@example.org") for i in range(4)]
    digest_user = make_user("professional", teams=[team], email="digest@example.org")
    Preference.objects.create(user=digest_user, kind=Kind.MEETING_PLANNED, delivery=Delivery.DIGEST)
    with time_machine.travel(at(MONDAY, 10), tick=False):
        for n in range(5):
            case = make_case(team, users[0])
            case_notice(case, [*users, digest_user], n=n)
    with time_machine.travel(at(date(2027, 3, 9), 7), tick=False):
        results = run_in_threads(*[jobs.mail_notices, jobs.send_digests] * 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.get("notice_emails", 0) for r in results) == 20
    assert sum(r.get("digests", 0) for r in results) == 1
    assert len(mail.outbox) == 21
    assert not Notice.objects.filter(mail_state=MailState.PENDING).exists()
