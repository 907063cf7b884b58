from datetime import timedelta

import pytest
import time_machine
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
