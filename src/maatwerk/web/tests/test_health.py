"""The liveness check: answers anyone, runs no query of its own, is never cached."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_health_check_answers_ok_without_a_query(client, assert_queries):
    with assert_queries(0):
        response = client.get(reverse("web:health"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_the_health_check_for_a_logged_in_user_costs_only_the_middleware(client, make_user, login):
    login(make_user("professional"))
    response = client.get(reverse("web:health"))
    assert response.status_code == 200
    assert response.content == b"ok"


def test_the_health_check_only_answers_safe_methods(client):
    assert client.post(reverse("web:health")).status_code in (403, 405)


@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_health_check_answers_plain_http_where_pages_redirect_to_https(client):
    assert client.get(reverse("web:home")).status_code == 301
    response = client.get(reverse("web:health"))
    assert response.status_code == 200
    assert response.content == b"ok"
