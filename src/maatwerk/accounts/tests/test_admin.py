import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from maatwerk.accounts.models import Team
from maatwerk.audit.models import AccessLogEntry, Action, ProcessingActivity
from maatwerk.testing.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user, login):
    return login(make_user("admin"), verified=True)


def test_creating_a_team_is_logged(admin_client):
    organisation = OrganisationFactory(name="Gemeente Teststad")
    response = admin_client.post(
        reverse("admin:accounts_team_add"),
        {"name": "Wijkteam Noord", "organisation": organisation.pk, "active": "on"},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Wijkteam Noord")
    entry = AccessLogEntry.objects.get(action=Action.CREATE, object_type="accounts.team")
    assert entry.object_id == str(team.pk)
    assert entry.processing_activity == ProcessingActivity.ACCOUNT_MANAGEMENT


def test_assigning_a_role_is_logged_with_the_changed_field(admin_client):
    user = UserFactory(username="nieuw")
    coordinator = Group.objects.get(role__code="coordinator")
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "username": "nieuw",
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": "",
            "organisation": user.organisation_id,
            "groups": [coordinator.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert user.groups.get() == coordinator
    entry = AccessLogEntry.objects.get(action=Action.UPDATE, object_type="accounts.user")
    assert "groups" in entry.detail


def test_roles_cannot_be_deleted_in_functional_management(admin_client):
    role_group = Group.objects.get(role__code="analyst")
    response = admin_client.get(reverse("admin:accounts_role_delete", args=[role_group.role.pk]))
    assert response.status_code == 403
