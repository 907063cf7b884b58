"""Attendees with an account: invited in the app at once, and by e-mail with an
iCalendar invitation by the scheduler, exactly once, without case words."""

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.journeys.models import EventType
from maatwerk.journeys.services import record_event, request_create
from maatwerk.meetings import jobs
from maatwerk.meetings.jobs import ics_fold, ics_invitation, send_invitations
from maatwerk.meetings.models import Attendee, Invitation, Meeting
from maatwerk.meetings.services import attendee_add, meeting_create
from maatwerk.scheduler.jobs import DUE_JOBS, run_due_jobs
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SECRET = "Schulden bij de Belastingdienst"  # a case word: never in the e-mail


@pytest.fixture
def uwv(db):
    return OrganisationFactory(name="UWV", type="national_agency")


@pytest.fixture
def decision_maker(make_user, uwv):
    return make_user(
        "decision_maker",
        organisation=uwv,
        email="beslisser@uwv.example.org",
        first_name="Bea",
        last_name="Beslisser",
    )


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional)


@pytest.fixture
def meeting(professional, teams, case, decision_maker):
    return meeting_create(
        request=None,
        user=professional,
        team=teams[0],
        title=f"Tafel over {SECRET}",
        starts_at=datetime(2031, 3, 4, 9, 30, tzinfo=UTC),
        location="Stadhuis, zaal 3; tweede verdieping",
        cases=[case],
        attendees=[
            {"user": decision_maker},
            {"name": "Wim Wijkagent", "organisation": None, "knows_household": True},
        ],
    )


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_the_invitation_carries_an_ics_and_no_case_words(meeting, case, decision_maker, settings):
    settings.SITE_URL = "https://maatwerk.example.org"
    counts = run_due_jobs()
    assert counts["invitations"] == 1 and counts["invitation_emails"] == 1
    (email,) = mail.outbox
    assert email.to == ["beslisser@uwv.example.org"]
    link = f"https://maatwerk.example.org{reverse('meetings:meeting_detail', args=[meeting.pk])}"
    assert case.household.pseudonym in email.body and link in email.body
    assert "4 maart 2031" in email.subject  # the installation's language, Dutch
    assert "Stadhuis" in email.body
    for text in (email.subject, email.body):
        assert SECRET not in text and "Tafel over" not in text and "Wim" not in text

    ((filename, content, mimetype),) = email.attachments
    assert filename == "doorbraaktafel.ics"
    assert mimetype.startswith("text/calendar")
    message = email.message()
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert parts and parts[0].get_param("method") == "REQUEST"

    assert content.endswith("\r\n") and "\n" not in content.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in content.split("\r\n"))
    lines = unfold(content).split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "METHOD:REQUEST" in lines and "VERSION:2.0" in lines
    assert f"UID:meeting-{meeting.pk}@maatwerk.example.org" in lines
    assert "SEQUENCE:0" in lines
    assert "DTSTART:20310304T093000Z" in lines and "DTEND:20310304T103000Z" in lines
    # Escaped per RFC 5545: comma and semicolon.
    assert "LOCATION:Stadhuis\\, zaal 3\\; tweede verdieping" in lines
    assert f"URL:{link}" in lines
    assert any(
        line.startswith('ATTENDEE;CN="Bea Beslisser"')
        and line.endswith(":mailto:beslisser@uwv.example.org")
        for line in lines
    )
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert case.household.pseudonym in summary
    assert SECRET not in unfold(content) and "Tafel over" not in unfold(content)
    # Logged as a share by the scheduler, naming no case content.
    row = AccessLogEntry.objects.get(action=Action.SHARE, object_id=str(meeting.pk))
    assert row.actor_username == "scheduler" and SECRET not in row.detail


def test_sent_exactly_once_and_again_only_for_a_new_time(meeting, decision_maker):
    assert send_invitations()["invitation_emails"] == 1
    assert send_invitations()["invitation_emails"] == 0
    assert run_due_jobs()["invitation_emails"] == 0
    assert len(mail.outbox) == 1
    assert Invitation.objects.count() == 1
    # Moved to another time: invited once more, with a higher SEQUENCE.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at + timedelta(hours=2))
    assert send_invitations()["invitation_emails"] == 1
    assert send_invitations()["invitation_emails"] == 0
    assert "SEQUENCE:1" in mail.outbox[1].attachments[0][1]
    assert "DTSTART:20310304T113000Z" in mail.outbox[1].attachments[0][1]


def test_a_failed_send_is_rolled_back_and_tried_again(meeting, monkeypatch):
    def broken(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises(OSError):
        send_invitations()
    assert not Invitation.objects.exists()
    monkeypatch.undo()
    assert send_invitations()["invitation_emails"] == 1


def test_a_refused_address_is_not_tried_again(meeting, monkeypatch):
    def refused(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"no")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    assert send_invitations()["invitations_refused"] == 1
    monkeypatch.undo()
    assert send_invitations()["invitations"] == 0
    assert not mail.outbox


def test_no_invitation_for_a_past_meeting_or_an_outsider(professional, teams, case, make_user):
    dm = make_user("decision_maker", email="dm@example.org")
    meeting_create(
        request=None,
        user=professional,
        team=teams[0],
        title="Gisteren",
        starts_at=timezone.now() - timedelta(days=1),
        cases=[case],
        attendees=[{"user": dm}, {"name": "Buiten Staander"}],
    )
    assert send_invitations()["invitations"] == 0
    assert not mail.outbox


def test_the_job_is_in_due_jobs():
    assert jobs.send_invitations.__module__ == "maatwerk.meetings.jobs"
    assert "meeting invitations" in [name for name, _job in DUE_JOBS]


def test_ics_folding_keeps_characters_whole():
    line = "DESCRIPTION:" + "é" * 100
    folded = ics_fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    text = ics_invitation(
        uid="u@x",
        sequence=0,
        starts_at=datetime(2031, 1, 1, tzinfo=UTC),
        summary="a\\b\nc",
        location="",
        description="",
        url="https://x",
        organiser_email="m@x",
        attendee_name='Anna "A"',
        attendee_email="a@x",
        stamp=datetime(2030, 1, 1, tzinfo=UTC),
    )
    assert "SUMMARY:a\\\\b\\nc\r\n" in text and "CN=\"Anna 'A'\"" in text


def test_an_invited_decision_maker_sees_the_meeting_but_not_the_case(
    client, login, make_user, professional, meeting, case, decision_maker, uwv
):
    ours = request_create(
        request=None, user=professional, case=case, organisation=uwv, subject="WW ondanks kdn"
    )
    record_event(request=None, user=professional, req=ours, type=EventType.SUBMITTED)
    other = request_create(
        request=None,
        user=professional,
        case=case,
        organisation=OrganisationFactory(name="SVB"),
        subject="Kinderbijslag",
    )
    record_event(request=None, user=professional, req=other, type=EventType.SUBMITTED)
    login(decision_maker)
    listing = client.get(reverse("meetings:meeting_list"))
    assert listing.status_code == 200
    assert [m.pk for m in listing.context["invitations"]] == [meeting.pk]
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert case.household.pseudonym in html
    assert page.context["invited"] and not page.context["entries"][0].visible
    assert not page.context["may_manage"]
    # Of the case's requests only the one to their own organisation, to their inbox;
    # not what was asked.
    assert page.context["entries"][0].shared_requests == [ours]
    assert reverse("journeys:decide", args=[ours.pk]) in html
    assert "WW ondanks kdn" not in html and "SVB" not in html
    # Another decision maker, not invited, does not see it.
    client.logout()
    login(make_user("decision_maker"))
    assert client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 404


def test_invite_a_user_on_the_meeting_page_and_bad_input(
    client, login, professional, meeting, make_user, uwv
):
    colleague = make_user("professional", email="Collega@Zaanstad.example.org")
    login(professional)
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    response = client.post(url, {"action": "attendee", "attendee-invitee": "niemand@x.org"})
    assert response.status_code == 200
    errors = response.context["attendee_form"].errors
    assert "geen actieve Maatwerk-gebruiker" in errors["invitee"][0]
    response = client.post(url, {"action": "attendee"})
    assert "name" in response.context["attendee_form"].errors
    assert meeting.attendees.count() == 2
    response = client.post(
        url, {"action": "attendee", "attendee-invitee": "collega@zaanstad.example.org"}
    )
    assert response.status_code == 302
    attendee = Attendee.objects.get(meeting=meeting, user=colleague)
    assert attendee.name == colleague.display_name
    assert attendee.organisation == colleague.organisation
    # The same user twice: refused, nothing stored.
    response = client.post(url, {"action": "attendee", "attendee-invitee": colleague.username})
    assert response.status_code == 200 and "invitee" in response.context["attendee_form"].errors
    assert Attendee.objects.filter(meeting=meeting, user=colleague).count() == 1
    # The invitation goes by the next scheduler run.
    send_invitations()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Collega@Zaanstad.example.org",
        "beslisser@uwv.example.org",
    ]


def test_the_service_refuses_an_inactive_user(professional, meeting, make_user):
    gone = make_user("professional", is_active=False)
    with pytest.raises(Exception) as caught:
        attendee_add(request=None, user=professional, meeting=meeting, invitee=gone)
    assert "invitee" in caught.value.message_dict
