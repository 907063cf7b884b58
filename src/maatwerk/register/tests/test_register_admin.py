import pytest
from django.urls import reverse

from maatwerk.audit.models import AccessLogEntry, Action, ProcessingActivity
from maatwerk.register.models import Organisation
from maatwerk.testing.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user, login):
    return login(make_user("admin"), verified=True)


def change_form_data(organisation, **overrides):
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "type": organisation.type,
        "description": organisation.description,
        "email": organisation.email,
        "phone": organisation.phone,
        "response_target_days": organisation.response_target_days,
        "active": "on",
        "loaded_version": organisation.version,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "escalation_steps-TOTAL_FORMS": "0",
        "escalation_steps-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def url(organisation):
    return reverse("admin:register_organisation_change", args=[organisation.pk])


def test_register_change_is_logged(admin_client):
    organisation = OrganisationFactory(name="Gemeente Teststad")
    response = admin_client.post(
        url(organisation), change_form_data(organisation, response_target_days=5)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.response_target_days == 5
    assert organisation.version == 2
    entry = AccessLogEntry.objects.get(action=Action.UPDATE)
    assert entry.object_type == "register.organisation"
    assert entry.object_id == str(organisation.pk)
    assert entry.processing_activity == ProcessingActivity.REGISTER_MANAGEMENT
    assert "response_target_days" in entry.detail


def test_creating_a_contact_inline_is_logged(admin_client):
    organisation = OrganisationFactory(name="Gemeente Teststad")
    data = change_form_data(
        organisation,
        **{
            "contacts-TOTAL_FORMS": "1",
            "contacts-0-name": "Noor Bakker",
            "contacts-0-function": "Maatwerkfunctionaris",
            "contacts-0-email": "noor@teststad.example.org",
            "contacts-0-phone": "+31 20 000 4444",
            "contacts-0-active": "on",
        },
    )
    assert admin_client.post(url(organisation), data).status_code == 302
    assert AccessLogEntry.objects.filter(
        action=Action.CREATE, object_type="register.contact"
    ).exists()


def test_concurrent_edit_is_refused_not_overwritten(admin_client):
    organisation = OrganisationFactory(name="Gemeente Teststad", response_target_days=10)
    stale = change_form_data(organisation, response_target_days=20)
    first = admin_client.post(
        url(organisation), change_form_data(organisation, phone="+31 20 000 9999")
    )
    assert first.status_code == 302
    second = admin_client.post(url(organisation), stale)
    assert second.status_code == 200
    assert "conflict" in [
        e.code for e in second.context["adminform"].form.non_field_errors().as_data()
    ]
    organisation.refresh_from_db()
    assert organisation.phone == "+31 20 000 9999"
    assert organisation.response_target_days == 10


def test_bad_input_gives_field_errors_and_keeps_stored_data(admin_client):
    organisation = OrganisationFactory(name="Gemeente Teststad")
    response = admin_client.post(
        url(organisation),
        change_form_data(
            organisation, phone="bel me", email="geen-adres", response_target_days="0"
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) >= {"phone", "email", "response_target_days"}
    stored = Organisation.objects.get(pk=organisation.pk)
    assert stored.phone == organisation.phone and stored.email == organisation.email
    assert not AccessLogEntry.objects.filter(action=Action.UPDATE).exists()


def test_professional_cannot_edit_the_register(client, make_user, login):
    organisation = OrganisationFactory(name="Gemeente Teststad")
    login(make_user("professional"))
    response = client.post(url(organisation), change_form_data(organisation, name="Gekaapt"))
    assert response.status_code in (302, 403)
    organisation.refresh_from_db()
    assert organisation.name == "Gemeente Teststad"
