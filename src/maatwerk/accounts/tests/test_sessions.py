from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def logged_in(client, make_user, password):
    user = make_user("professional")
    client.post("/accounts/login/", {"username": user.username, "password": password})
    assert client.get("/").status_code == 200
    return user


def test_idle_timeout(client, make_user, password, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        logged_in(client, make_user, password)
        traveller.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert client.get("/").status_code == 200  # activity resets the idle clock
        traveller.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_absolute_timeout_despite_activity(client, make_user, password, settings):
    start = timezone.now()
    step = timedelta(seconds=settings.SESSION_IDLE_TIMEOUT // 2)
    with time_machine.travel(start, tick=False) as traveller:
        logged_in(client, make_user, password)
        elapsed = timedelta(0)
        while elapsed + step < timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT):
            traveller.shift(step)
            elapsed += step
            assert client.get("/").status_code == 200
        traveller.shift(timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT) - elapsed)
        traveller.shift(timedelta(seconds=1))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_page_view_does_not_write_the_session_every_time(client, make_user, password):
    """ "Last seen" is written at most once a minute: most page views make no session
    write (a database UPDATE per request otherwise)."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        logged_in(client, make_user, password)
        traveller.shift(timedelta(seconds=5))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        writes = [q["sql"] for q in queries if "django_session" in q["sql"].lower()]
        assert not any(sql.lstrip().upper().startswith(("UPDATE", "INSERT")) for sql in writes)
        traveller.shift(timedelta(seconds=61))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        writes = [q["sql"] for q in queries if "django_session" in q["sql"].lower()]
        assert any(sql.lstrip().upper().startswith(("UPDATE", "INSERT")) for sql in writes)
