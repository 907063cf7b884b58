"""Documents on plans (cases.documents): stored like the receipts and the request
attachments (random names, no URL, a type and size limit judged by the content),
served only through the access check with every download logged; a decision maker of
an organisation the case asks sees only those shared with the household's agreement."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.documents import plan_document_add, plan_document_set_shared
from maatwerk.cases.models import Case, PlanDocument
from maatwerk.cases.plans import GoalInput, PlanContent, plan_save_version
from maatwerk.core.uploads import DOCUMENT_MAX_BYTES
from maatwerk.journeys.services import record_event, request_create
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% een bankafschrift\n"


def pdf(name="afschrift Jansen.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def png(name="overzicht.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media):
    return [path for path in (media / "plan_documents").rglob("*") if path.is_file()]


@pytest.fixture
def uwv(db):
    return OrganisationFactory(name="UWV", type="national_agency", response_target_days=10)


@pytest.fixture
def case(teams, professional):
    return make_case(teams[0], professional, on=timezone.localdate() - timedelta(days=100))


@pytest.fixture
def plan(case, professional):
    version = plan_save_version(
        request=None,
        user=professional,
        case=case,
        content=PlanContent(title="Rust", goals=[GoalInput(text="Rust")]),
        plan=None,
        based_on=0,
    )
    return version.plan


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


def add(professional, plan, upload=None, **fields):
    return plan_document_add(
        request=None,
        user=professional,
        plan=plan,
        upload=upload or pdf(),
        kind=fields.pop("kind", "bank_statement"),
        **fields,
    )


def page_url(plan):
    return reverse("cases:plan_documents", args=[plan.case_id, plan.pk])


def download_url(document):
    return reverse(
        "cases:plan_document", args=[document.plan.case_id, document.plan_id, document.pk]
    )


def test_a_document_is_stored_privately_under_a_random_name(professional, plan, media):
    document = add(professional, plan, description="afschrift van maart")
    (path,) = stored_files(media)
    assert "Jansen" not in path.name and path.suffix == ".pdf"
    assert (document.content_type, document.size) == ("pdf", len(PDF))
    assert not document.shared_with_organisations
    with pytest.raises(ValueError):
        document.file.url
    assert add(professional, plan, png()).content_type == "png"
    logged = AccessLogEntry.objects.filter(action=Action.CREATE, object_type="cases.plandocument")
    assert logged.count() == 2


@pytest.mark.parametrize(
    "upload, field",
    [
        (SimpleUploadedFile("brief.docx", b"PK\x03\x04", "application/msword"), "file"),
        (SimpleUploadedFile("nep.pdf", b"<html>geen pdf</html>", "application/pdf"), "file"),
        (pdf(content=b"%PDF-" + b"0" * DOCUMENT_MAX_BYTES), "file"),
    ],
)
def test_a_wrong_type_or_too_big_file_is_refused_and_nothing_stored(
    professional, plan, media, upload, field
):
    with pytest.raises(ValidationError) as error:
        add(professional, plan, upload)
    assert field in error.value.message_dict
    assert not PlanDocument.objects.exists() and stored_files(media) == []


def test_the_page_gives_dutch_errors_and_stores_nothing(client, login, professional, plan, media):
    login(professional)
    response = client.post(
        page_url(plan), {"action": "attach", "file": pdf(), "kind": "", "share": "on"}
    )
    assert response.status_code == 200
    errors = response.context["attach_form"].errors
    assert errors["kind"] == ["Kies het soort document."]
    response = client.post(
        page_url(plan), {"action": "attach", "file": pdf(), "kind": "letter", "share": "on"}
    )
    assert response.status_code == 200
    assert "household_agreed" in response.context["attach_form"].errors
    assert not PlanDocument.objects.exists() and stored_files(media) == []
    response = client.post(
        page_url(plan),
        {"action": "attach", "file": pdf(), "kind": "letter", "description": "brief"},
    )
    assert response.status_code == 302
    assert PlanDocument.objects.get().kind == "letter"
    content = client.get(page_url(plan)).content.decode()
    assert 'data-testid="plan-document"' in content
    plan_page = client.get(reverse("cases:plan_detail", args=[plan.case_id, plan.pk]))
    assert page_url(plan) in plan_page.content.decode()


def test_the_team_downloads_it_logged_another_team_gets_a_logged_404(
    client, login, professional, outsider, plan
):
    document = add(professional, plan)
    login(professional)
    response = client.get(download_url(document))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "Jansen" not in response["Content-Disposition"]
    exports = AccessLogEntry.objects.filter(
        action=Action.EXPORT, object_type="cases.plandocument", object_id=str(document.pk)
    )
    assert exports.count() == 1
    client.logout()
    login(outsider)
    assert client.get(download_url(document)).status_code == 404
    assert client.get(page_url(plan)).status_code == 404
    refused = AccessLogEntry.objects.filter(
        object_type="cases.plandocument", object_id=str(document.pk)
    ).exclude(action__in=[Action.EXPORT, Action.CREATE])
    assert refused.count() == 1
    assert refused.get().household == plan.case.household.pseudonym


def test_the_decision_maker_sees_only_the_shared_ones(
    client, login, professional, plan, req, decider, make_user
):
    kept = add(professional, plan, kind="bank_statement")
    shared = add(professional, plan, kind="overview", share=True, household_agreed=True)
    assert shared.shared_with_organisations and shared.shared_on == timezone.localdate()
    login(decider)
    response = client.get(reverse("journeys:decide", args=[req.pk]))
    assert [d.pk for d in response.context["plan_documents"]] == [shared.pk]
    html = response.content.decode()
    shared_url = reverse("journeys:plan_document", args=[req.pk, shared.pk])
    kept_url = reverse("journeys:plan_document", args=[req.pk, kept.pk])
    assert shared_url in html and kept_url not in html
    response = client.get(shared_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client.get(kept_url).status_code == 404
    # Never through the team's own URL.
    assert client.get(download_url(shared)).status_code == 404
    exports = AccessLogEntry.objects.filter(action=Action.EXPORT, object_type="cases.plandocument")
    assert list(exports.values_list("object_id", flat=True)) == [str(shared.pk)]
    # A decision maker of an organisation the case does not ask: nothing.
    client.logout()
    login(make_user("decision_maker", organisation=OrganisationFactory(name="SVB")))
    assert client.get(shared_url).status_code == 404
    # Stopping to share takes it away, logged.
    plan_document_set_shared(request=None, user=professional, document=shared, share=False)
    client.logout()
    login(decider)
    assert client.get(shared_url).status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            action=Action.SHARE, object_type="cases.plandocument", object_id=str(shared.pk)
        ).count()
        == 1
    )


def test_sharing_needs_the_household_and_with_a_safety_concern_a_confirmation(professional, plan):
    document = add(professional, plan)
    with pytest.raises(ValidationError) as error:
        plan_document_set_shared(request=None, user=professional, document=document, share=True)
    assert "household_agreed" in error.value.message_dict
    Case.objects.filter(pk=plan.case_id).update(safety_concern=True)
    document.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        plan_document_set_shared(
            request=None, user=professional, document=document, share=True, household_agreed=True
        )
    assert "confirm_share" in error.value.message_dict
    document.refresh_from_db()
    assert not document.shared_with_organisations
    plan_document_set_shared(
        request=None, user=professional, document=document, share=True,
        household_agreed=True, confirmed=True,
    )  # fmt: skip
    document.refresh_from_db()
    assert document.shared_with_organisations
    share = AccessLogEntry.objects.get(action=Action.SHARE, object_type="cases.plandocument")
    assert "confirmed (safety concern)" in share.detail


def test_the_share_form_on_the_page(client, login, professional, plan):
    document = add(professional, plan)
    login(professional)
    prefix = f"document-{document.pk}"
    response = client.post(
        page_url(plan), {"action": "share", "document": document.pk, f"{prefix}-share": "yes"}
    )
    assert response.status_code == 200  # the household's agreement is missing
    document.refresh_from_db()
    assert not document.shared_with_organisations
    response = client.post(
        page_url(plan),
        {
            "action": "share",
            "document": document.pk,
            f"{prefix}-share": "yes",
            f"{prefix}-household_agreed": "on",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.shared_with_organisations
    # A document of another plan, or an odd id: no 500.
    for value in ("99999999", "²", ""):
        response = client.post(page_url(plan), {"action": "share", "document": value})
        assert response.status_code == 302
