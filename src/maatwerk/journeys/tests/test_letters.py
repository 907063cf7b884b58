"""The letter to an organisation that does not use Maatwerk: only what the household
agreed to share, the due date and the reference to quote; PDF and plain text; sent by
e-mail where that is set up, logged as a share; the answer recorded on its behalf."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maatwerk.audit.models import AccessLogEntry, Action, Result
from maatwerk.cases.models import Case
from maatwerk.journeys.calendar import add_working_days
from maatwerk.journeys.letters import letter_for, letter_text
from maatwerk.journeys.models import EventType, Request
from maatwerk.journeys.selectors import share_digest
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import EscalationStepFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SUBJECT = "Afzien van de boete van 450 euro"
EXCERPT = "Doel 1: de schuldregeling blijft staan."
PERSPECTIVE = "Wij willen rust"  # the perspective make_case writes


@pytest.fixture
def cjib(db):
    cjib = OrganisationFactory(
        name="CJIB", type="justice", response_target_days=10, email="info@cjib.example.org"
    )
    EscalationStepFactory(
        organisation=cjib,
        level=1,
        contact__name="Petra Maatwerk",
        contact__function="Maatwerkfunctionaris",
        contact__email="petra@cjib.example.org",
    )
    return cjib


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional, on=timezone.localdate() - timedelta(days=60))


def new_request(professional, case, organisation, *, send=True, **fields):
    req = request_create(
        request=None,
        user=professional,
        case=case,
        organisation=organisation,
        subject=SUBJECT,
        plan_excerpt=EXCERPT,
        **fields,
    )
    if send:
        record_event(request=None, user=professional, req=req, type="submitted")
    req.refresh_from_db()
    return req


@pytest.fixture
def sending(settings):
    settings.SEND_LETTERS = True


def test_the_letter_holds_what_is_shared_the_due_date_and_the_reference(
    client, login, professional, case, cjib
):
    req = new_request(professional, case, cjib)
    login(professional)
    page = client.get(reverse("journeys:letter", args=[req.pk]))
    assert page.status_code == 200
    text = page.context["text"]
    quote = f"{case.household.pseudonym}/R1"
    assert SUBJECT in text and EXCERPT in text and PERSPECTIVE in text
    assert f"kenmerk {quote}" in text
    assert "Geachte Petra Maatwerk," in text and "T.a.v. Petra Maatwerk" in text
    assert req.due_on == add_working_days(req.first_submitted_on, 10)
    assert str(req.due_on.day) in text and "10 werkdagen" in text
    content = page.content.decode()
    assert "petra@cjib.example.org" in content
    assert "CJIB gebruikt Maatwerk niet" in content
    read = AccessLogEntry.objects.filter(action=Action.READ, detail="letter R1")
    assert read.count() == 1


def test_what_the_household_did_not_agree_to_share_is_not_in_the_letter(professional, case, cjib):
    req = new_request(professional, case, cjib, share_perspective=False)
    text = letter_text(letter_for(req, professional))
    assert PERSPECTIVE not in text and SUBJECT in text


def test_pdf_and_plain_text_downloads_are_logged_exports(client, login, professional, case, cjib):
    req = new_request(professional, case, cjib)
    login(professional)
    response = client.get(reverse("journeys:letter_pdf", args=[req.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    response = client.get(reverse("journeys:letter_text", args=[req.pk]))
    assert response["Content-Type"].startswith("text/plain")
    assert SUBJECT in response.content.decode()
    exports = AccessLogEntry.objects.filter(action=Action.EXPORT, object_id=str(req.pk))
    assert exports.count() == 2
    assert all("subject" in row.detail and "CJIB" in row.detail for row in exports)


def test_sending_by_email_goes_to_the_maatwerk_contact_and_is_a_logged_share(
    client, login, professional, case, cjib, sending
):
    req = new_request(professional, case, cjib)
    login(professional)
    response = client.post(reverse("journeys:letter", args=[req.pk]))
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["petra@cjib.example.org"]
    quote = f"{case.household.pseudonym}/R1"
    assert quote in message.subject
    # The e-mail's own text names no details of the household: they are in the PDF.
    assert SUBJECT not in message.body and PERSPECTIVE not in message.body
    [(name, content, kind)] = message.attachments
    assert kind == "application/pdf" and content.startswith(b"%PDF") and name.endswith(".pdf")
    share = AccessLogEntry.objects.filter(action=Action.SHARE, detail__startswith="letter").get()
    assert "CJIB" in share.detail and "perspective" in share.detail and "subject" in share.detail
    assert share.household == case.household.pseudonym


def test_sending_a_draft_letter_sends_the_request(client, login, professional, case, cjib, sending):
    req = new_request(professional, case, cjib, send=False)
    login(professional)
    client.post(reverse("journeys:letter", args=[req.pk]))
    req.refresh_from_db()
    assert req.state == Request.State.WAITING and req.events.get().type == EventType.SUBMITTED
    assert len(mail.outbox) == 1


def test_without_email_set_up_nothing_is_sent_or_stored(
    client, login, professional, case, cjib, settings
):
    settings.SEND_LETTERS = False
    req = new_request(professional, case, cjib, send=False)
    login(professional)
    page = client.get(reverse("journeys:letter", args=[req.pk]))
    assert not page.context["may_send"]
    response = client.post(reverse("journeys:letter", args=[req.pk]))
    assert response.status_code == 200
    assert "niet ingesteld" in response.context["send_error"]
    assert mail.outbox == [] and not req.events.exists()
    assert not AccessLogEntry.objects.filter(action=Action.SHARE).exists()


def test_a_failing_mail_server_records_nothing(
    client, login, professional, case, cjib, sending, monkeypatch
):
    req = new_request(professional, case, cjib, send=False)

    def broken(self, fail_silently=False):
        raise OSError("mail server gone")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    login(professional)
    with pytest.raises(OSError):
        client.post(reverse("journeys:letter", args=[req.pk]))
    req.refresh_from_db()
    assert req.state == Request.State.DRAFT and not req.events.exists()
    assert not AccessLogEntry.objects.filter(action=Action.SHARE).exists()


def test_a_safety_concern_needs_the_confirmation_to_download_or_send(
    client, login, professional, case, cjib, sending
):
    Case.objects.filter(pk=case.pk).update(safety_concern=True)
    req = new_request(professional, case, cjib, send=False)
    login(professional)
    url = reverse("journeys:letter", args=[req.pk])
    assert client.get(reverse("journeys:letter_pdf", args=[req.pk])).status_code == 302
    response = client.post(url, {"share_digest": share_digest(req)})  # box not ticked
    assert response.status_code == 200
    assert response.context["confirm"].errors["confirm_share"]
    assert mail.outbox == [] and not req.events.exists()
    assert not AccessLogEntry.objects.filter(action__in=[Action.EXPORT, Action.SHARE]).exists()
    confirmed = {"share_digest": share_digest(req), "confirm_share": "on"}
    download = client.post(reverse("journeys:letter_text", args=[req.pk]), confirmed)
    assert download.status_code == 200 and SUBJECT in download.content.decode()
    assert client.post(url, confirmed).status_code == 302
    assert len(mail.outbox) == 1
    assert "confirmed" in AccessLogEntry.objects.get(detail__startswith="letter by").detail


def test_another_team_and_the_decision_maker_get_404_logged(
    client, login, professional, outsider, case, cjib, make_user
):
    req = new_request(professional, case, cjib)
    urls = [
        reverse(name, args=[req.pk])
        for name in ("journeys:letter", "journeys:letter_pdf", "journeys:letter_text")
    ]
    for user in (outsider, make_user("decision_maker", organisation=cjib)):
        login(user)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(urls[0]).status_code == 404
        client.logout()
    refusals = AccessLogEntry.objects.filter(result=Result.DENIED, object_id=str(req.pk))
    assert refusals.count() == 8
    assert (
        not AccessLogEntry.objects.filter(action__in=[Action.EXPORT, Action.SHARE])
        .exclude(detail__startswith="with")
        .exists()
    )


def test_the_answer_is_recorded_on_the_organisations_behalf(
    client, login, professional, case, cjib
):
    req = new_request(professional, case, cjib)
    login(professional)
    url = reverse("journeys:request_detail", args=[req.pk])
    page = client.get(url, {"on_behalf": "1"})
    form = page.context["event_form"]
    assert form["on_behalf_of"].value() == "Petra Maatwerk, CJIB"
    response = client.post(
        url,
        {
            "action": "step",
            "type": "approved",
            "on": timezone.localdate().isoformat(),
            "text": "Boete kwijtgescholden",
            "on_behalf_of": "Petra Maatwerk, CJIB",
        },
    )
    assert response.status_code == 302
    event = req.events.get(type=EventType.APPROVED)
    assert (event.entered_by, event.on_behalf_of) == (professional, "Petra Maatwerk, CJIB")
    content = client.get(url).content.decode()
    assert "namens Petra Maatwerk, CJIB" in content


def test_the_letter_page_needs_constant_queries(
    client, login, professional, case, cjib, assert_constant_queries
):
    req = new_request(professional, case, cjib)
    login(professional)
    url = reverse("journeys:letter", args=[req.pk])

    def grow():
        for text in ("Welke schulden?", "Welk bedrag?"):
            record_event(
                request=None, user=professional, req=req, type="information_requested", text=text
            )
            record_event(request=None, user=professional, req=req, type="information_provided")

    assert_constant_queries(lambda: client.get(url), grow=grow)
