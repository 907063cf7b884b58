"""A refused attempt on one object (``audit.access.Refused``) answers 404 and leaves one
``permission_denied`` row, even when the view's own work is rolled back."""

import pytest
from django.db import connections

from maatwerk.audit.models import AccessLogEntry, Action, ProcessingActivity, Result
from maatwerk.audit.verify import verify_chain

pytestmark = [pytest.mark.django_db, pytest.mark.urls("maatwerk.audit.tests.refusal_urls")]


def denied():
    return list(AccessLogEntry.objects.filter(action=Action.PERMISSION_DENIED))


@pytest.mark.parametrize("atomic_requests", [False, True])
@pytest.mark.parametrize("url", ["/atomic/12/", "/plain/12/"])
def test_a_refusal_is_logged_and_the_views_work_rolled_back(
    client, login, make_user, monkeypatch, url, atomic_requests
):
    if atomic_requests:
        monkeypatch.setitem(connections.settings["default"], "ATOMIC_REQUESTS", True)
    user = make_user("professional")
    login(user)
    response = client.get(url)
    assert response.status_code == 404
    (row,) = denied()
    assert (row.actor, row.result, row.household) == (user, Result.DENIED, "HH-4821")
    assert (row.object_type, row.object_id) == ("cases.case", "12")
    assert row.processing_activity == ProcessingActivity.CASE_WORK
    assert url in row.detail
    work = AccessLogEntry.objects.filter(detail="work before the refusal")
    # The work done inside an atomic block (the view's own or ATOMIC_REQUESTS) is gone;
    # the refusal's row is there either way.
    assert work.exists() == (url == "/plain/12/" and not atomic_requests)
    assert verify_chain()[1] is None


def test_hide_names_the_object_for_a_user_without_the_permission(client, login, make_user):
    user = make_user("analyst")
    login(user)
    response = client.get("/hidden/7/")
    assert response.status_code == 404
    (row,) = denied()
    assert (row.actor, row.household, row.object_type, row.object_id) == (
        user,
        "HH-4821",
        "cases.case",
        "7",
    )
    assert row.detail.startswith("cases.view_case; ")
    assert row.processing_activity == ProcessingActivity.AUTHENTICATION


def test_a_shown_page_writes_no_refusal(client, login, make_user):
    login(make_user("professional"))
    assert client.get("/hidden/7/").content == b"shown"
    assert denied() == []
