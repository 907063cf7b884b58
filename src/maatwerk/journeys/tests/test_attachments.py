"""Attachments on requests: stored privately under random names, served only through the
access check, every download logged; a decision maker sees only the shared ones."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from maatwerk.audit.models import AccessLogEntry, Action, Result
from maatwerk.cases.models import Case
from maatwerk.journeys.models import Attachment
from maatwerk.journeys.services import (
    ATTACHMENT_MAX_BYTES,
    attachment_add,
    attachment_set_shared,
    record_event,
    request_create,
)
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a decision letter\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf(name="beschikking Jansen.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media) -> list[Path]:
    return [path for path in (media / "attachments").rglob("*") if path.is_file()]


@pytest.fixture
def uwv(db):
    return OrganisationFactory(name="UWV", type="national_agency", response_target_days=10)


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional, on=timezone.localdate() - timedelta(days=100))


@pytest.fixture
def req(professional, case, uwv):
    req = request_create(
        request=None, user=professional, case=case, organisation=uwv, subject="WW doorbetalen"
    )
    record_event(request=None, user=professional, req=req, type="submitted")
    req.refresh_from_db()
    return req


@pytest.fixture
def decider(make_user, uwv):
    return make_user("decision_maker", organisation=uwv)


def attach(professional, req, **fields):
    return attachment_add(
        request=None,
        user=professional,
        req=req,
        upload=fields.pop("upload", None) or pdf(),
        kind=fields.pop("kind", "decision_letter"),
        **fields,
    )


# --- The service ---------------------------------------------------------------------


def test_an_attachment_is_stored_under_a_random_name_without_url(media, professional, req):
    attachment = attach(professional, req, description="Besluit van 3 maart")
    assert (attachment.content_type, attachment.size) == ("pdf", len(PDF))
    assert "Jansen" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    [path] = stored_files(media)
    assert path.read_bytes() == PDF
    with pytest.raises(ValueError):
        attachment.file.url
    assert not attachment.shared_with_organisation
    created = AccessLogEntry.objects.get(action=Action.CREATE, object_type="journeys.attachment")
    assert created.household == req.case.household.pseudonym


@pytest.mark.parametrize(
    ("upload", "field", "message"),
    [
        (
            SimpleUploadedFile("brief.docx", b"PK\x03\x04", "application/msword"),
            "file",
            "Een bijlage moet een PDF-, JPG- of PNG-bestand zijn.",
        ),
        (
            SimpleUploadedFile("nep.pdf", b"<html>not a pdf</html>", "application/pdf"),
            "file",
            "Dit is geen echt PDF-, JPG- of PNG-bestand (de inhoud past niet bij de naam).",
        ),
        (
            SimpleUploadedFile("foto.pdf", png_bytes(), "application/pdf"),
            "file",
            "Dit is geen echt PDF-, JPG- of PNG-bestand (de inhoud past niet bij de naam).",
        ),
        (
            SimpleUploadedFile("groot.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES, "application/pdf"),
            "file",
            "Een bijlage mag hoogstens 10 MB groot zijn.",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    media, professional, req, upload, field, message
):
    with pytest.raises(ValidationError) as refused:
        attach(professional, req, upload=upload)
    assert refused.value.message_dict[field] == [message]
    assert not Attachment.objects.exists()
    assert not (media / "attachments").exists() or not stored_files(media)


def test_a_png_is_accepted(professional, req):
    attachment = attach(
        professional, req, upload=SimpleUploadedFile("afschrift.png", png_bytes(), "image/png")
    )
    assert attachment.content_type == "png"


def test_sharing_needs_the_households_agreement_and_for_safety_a_confirmation(
    media, professional, req
):
    with pytest.raises(ValidationError) as refused:
        attach(professional, req, share=True)
    assert set(refused.value.message_dict) == {"household_agreed"}
    assert not Attachment.objects.exists() and not stored_files(media)
    Case.objects.filter(pk=req.case_id).update(safety_concern=True)
    req.case.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        attach(professional, req, share=True, household_agreed=True)
    assert set(refused.value.message_dict) == {"confirm_share"}
    attachment = attach(professional, req, share=True, household_agreed=True, confirmed=True)
    assert attachment.shared_with_organisation and attachment.shared_on
    share = AccessLogEntry.objects.get(action=Action.SHARE, detail__contains="attachment")
    assert "UWV" in share.detail and "safety" in share.detail


def test_a_database_failure_removes_the_stored_file(media, professional, req, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(Attachment.objects, "create", broken)
    with pytest.raises(RuntimeError):
        attach(professional, req)
    assert not stored_files(media)


# --- The pages -----------------------------------------------------------------------


def test_the_team_attaches_shares_and_downloads_on_the_request_page(
    client, login, professional, req
):
    login(professional)
    url = reverse("journeys:request_detail", args=[req.pk])
    response = client.post(
        url,
        {"action": "attach", "file": pdf(), "kind": "bank_statement", "description": "Maart"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.kind == "bank_statement" and not attachment.shared_with_organisation
    page = client.get(url).content.decode()
    assert reverse("journeys:attachment", args=[attachment.pk]) in page
    assert "Bankafschrift" in page

    prefix = f"attachment-{attachment.pk}"
    post = {"action": "share_attachment", "attachment": attachment.pk, f"{prefix}-share": "yes"}
    response = client.post(url, post)
    assert response.status_code == 200  # no agreement: a field error
    [item] = response.context["attachments"]
    assert item["form"].errors["household_agreed"] == [
        "Een document gaat alleen naar de organisatie als het huishouden daarmee instemde."
    ]
    attachment.refresh_from_db()
    assert not attachment.shared_with_organisation
    response = client.post(url, {**post, f"{prefix}-household_agreed": "on"})
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.shared_with_organisation

    download = client.get(reverse("journeys:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert "attachment;" in download["Content-Disposition"]
    assert "R1-bank_statement" in download["Content-Disposition"]
    export = AccessLogEntry.objects.get(action=Action.EXPORT, object_type="journeys.attachment")
    assert export.household == req.case.household.pseudonym and export.actor == professional


def test_upload_errors_on_the_page_are_dutch_and_store_nothing(
    client, login, professional, req, media
):
    login(professional)
    url = reverse("journeys:request_detail", args=[req.pk])
    response = client.post(url, {"action": "attach", "kind": ""})
    assert response.status_code == 200
    errors = response.context["attach_form"].errors
    assert errors["file"] == ["Kies het bestand dat u wilt toevoegen."]
    assert errors["kind"] == ["Kies het soort document."]
    response = client.post(
        url,
        {"action": "attach", "file": pdf("x.pdf", b"not a pdf"), "kind": "letter"},
    )
    assert "file" in response.context["attach_form"].errors
    response = client.post(url, {"action": "attach", "file": pdf(), "kind": "nonsense"})
    assert response.context["attach_form"].errors["kind"] == [
        "Kies het soort document uit de lijst."
    ]
    assert not Attachment.objects.exists() and not stored_files(media)


def test_a_decision_maker_sees_and_downloads_only_shared_attachments(
    client, login, professional, req, decider
):
    private = attach(professional, req, kind="bank_statement")
    shared = attach(professional, req, share=True, household_agreed=True)
    login(decider)
    page = client.get(reverse("journeys:decide", args=[req.pk]))
    assert [a.pk for a in page.context["attachments"]] == [shared.pk]
    content = page.content.decode()
    assert reverse("journeys:attachment", args=[shared.pk]) in content
    assert reverse("journeys:attachment", args=[private.pk]) not in content
    assert client.get(reverse("journeys:attachment", args=[shared.pk])).status_code == 200
    assert client.get(reverse("journeys:attachment", args=[private.pk])).status_code == 404
    refusal = AccessLogEntry.objects.get(result=Result.DENIED, object_id=str(private.pk))
    assert refusal.household == req.case.household.pseudonym
    assert "not shared" in refusal.detail
    # Stopping to share hides it again.
    attachment_set_shared(request=None, user=professional, attachment=shared, share=False)
    assert client.get(reverse("journeys:attachment", args=[shared.pk])).status_code == 404


def test_another_team_and_another_organisation_get_404_logged(
    client, login, professional, outsider, req, make_user
):
    attachment = attach(professional, req, share=True, household_agreed=True)
    url = reverse("journeys:attachment", args=[attachment.pk])
    other_decider = make_user("decision_maker", organisation=OrganisationFactory(name="SVB"))
    for user in (outsider, other_decider):
        login(user)
        assert client.get(url).status_code == 404
        client.logout()
    refusals = AccessLogEntry.objects.filter(result=Result.DENIED, object_id=str(attachment.pk))
    assert refusals.count() == 2
    assert {row.household for row in refusals} == {req.case.household.pseudonym}
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()
    login(outsider)
    missing = client.get(reverse("journeys:attachment", args=[attachment.pk + 1000]))
    assert missing.status_code == 404


def test_the_request_pages_need_constant_queries_whatever_the_attachments(
    client, login, professional, req, decider, assert_constant_queries
):
    attach(professional, req, share=True, household_agreed=True)
    login(professional)
    detail = reverse("journeys:request_detail", args=[req.pk])

    def grow():
        for _ in range(4):
            attach(professional, req, share=True, household_agreed=True)

    assert_constant_queries(lambda: client.get(detail), grow=grow)
    client.logout()
    login(decider)
    decide = reverse("journeys:decide", args=[req.pk])
    assert_constant_queries(lambda: client.get(decide), grow=grow)
