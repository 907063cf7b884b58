import pytest
from django.urls import reverse

from maatwerk.audit.models import AccessLogEntry, Action, ProcessingActivity
from maatwerk.audit.services import log_access

pytestmark = pytest.mark.django_db
PAGE = reverse("audit:log_search")


def entry(username, household="", action=Action.READ):
    return log_access(
        action=action,
        processing_activity=ProcessingActivity.CASE_WORK,
        actor_username=username,
        household=household,
    )


@pytest.mark.parametrize(
    "role", ["professional", "decision_maker", "coordinator", "budget_holder", "analyst", "admin"]
)
def test_only_the_privacy_officer_reads_the_log(client, make_user, login, role):
    entry("someone", household="HH-1111")
    user = make_user(role)
    login(user, verified=True)
    response = client.get(PAGE)
    assert response.status_code == 403
    assert "HH-1111" not in response.content.decode()
    assert AccessLogEntry.objects.filter(
        action=Action.PERMISSION_DENIED, actor=user, object_id=PAGE
    ).exists()


def test_privacy_officer_needs_the_second_factor(client, make_user, login):
    login(make_user("privacy_officer"), verified=False)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_search_by_user_household_action_and_period(client, make_user, login):
    entry("ans", household="HH-1111")
    entry("ans", household="HH-2222", action=Action.UPDATE)
    entry("bob", household="HH-1111")
    officer = make_user("privacy_officer")
    login(officer, verified=True)

    def found(**params):
        response = client.get(PAGE, params)
        assert response.status_code == 200
        return [
            (e.actor_username, e.household, e.action)
            for e in response.context["page"].object_list
            if e.processing_activity == ProcessingActivity.CASE_WORK
        ]

    assert found(user="ANS") == [("ans", "HH-2222", "update"), ("ans", "HH-1111", "read")]
    assert found(household="hh-1111") == [("bob", "HH-1111", "read"), ("ans", "HH-1111", "read")]
    assert found(action="update") == [("ans", "HH-2222", "update")]
    today = AccessLogEntry.objects.first().occurred_at.date().isoformat()
    assert len(found(date_from=today, date_to=today)) == 3
    assert found(date_from="2001-01-01", date_to="2001-12-31") == []


def test_reading_the_log_is_itself_logged(client, make_user, login):
    officer = make_user("privacy_officer")
    login(officer, verified=True)
    client.get(PAGE, {"household": "HH-1111"})
    read = AccessLogEntry.objects.get(action=Action.SEARCH)
    assert read.actor == officer
    assert read.processing_activity == ProcessingActivity.AUDIT_SUPERVISION
    assert read.household == "HH-1111"
    assert "household=HH-1111" in read.detail


def test_invalid_period_gives_a_field_error(client, make_user, login):
    login(make_user("privacy_officer"), verified=True)
    response = client.get(PAGE, {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert response.context["page"] is None
    bad_date = client.get(PAGE, {"date_from": "31-31-2026"})
    assert bad_date.context["form"].errors["date_from"]
