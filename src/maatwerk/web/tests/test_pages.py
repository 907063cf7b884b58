import pytest
from django.test import Client, override_settings
from django.urls import path

from maatwerk.accounts.models import Role

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", boom)]
handler500 = "maatwerk.web.views.server_error"


def test_unknown_url_gives_the_404_page(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "web/404.html" in [t.name for t in response.templates]


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_shows_no_stack_trace():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "Er ging iets mis" in content
    assert "secret internal detail" not in content and "Traceback" not in content


def test_dutch_by_default_even_for_an_english_browser(client, make_user, login):
    login(make_user("coordinator"))
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="nl"' in response.content.decode()
    assert "Welkom" in response.content.decode()


def test_language_switch_to_english_and_back(client, make_user, login):
    login(make_user("coordinator"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en"' in content and "Welcome" in content
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/"}, follow=True)
    assert '<html lang="nl"' in response.content.decode()


def test_start_page_shows_a_section_per_role(client, make_user, login):
    user = make_user("professional", "budget_holder")
    login(user)
    response = client.get("/")
    roles = [card["role"].code for card in response.context["cards"]]
    assert roles == ["professional", "budget_holder"]
    content = response.content.decode()
    for role in Role.objects.filter(code__in=roles):
        assert role.description_nl in content


def test_navigation_follows_permissions(client, make_user, login):
    login(make_user("professional"))
    labels = [item["url"] for item in client.get("/").context["main_nav"]]
    assert labels == [
        "/",
        "/cases/",
        "/journeys/queue/",
        "/signals/",
        "/budget/",
        "/meetings/",
        "/learning/",
        "/learning/precedents/",
        "/register/",
    ]
    client.logout()
    login(make_user("privacy_officer"), verified=True)
    labels = [item["url"] for item in client.get("/").context["main_nav"]]
    assert labels == ["/", "/audit/"]
    client.logout()
    login(make_user("admin"), verified=True)
    labels = [item["url"] for item in client.get("/").context["main_nav"]]
    assert labels == ["/", "/cases/", "/register/", "/cases/emergency/", "/beheer/"]
    client.logout()
    login(make_user("analyst"))
    labels = [item["url"] for item in client.get("/").context["main_nav"]]
    assert labels == [
        "/",
        "/learning/precedents/",
        "/learning/patterns/",
        "/reports/",
        "/register/",
    ]


def test_page_has_skip_link_and_landmarks(client, make_user, login):
    login(make_user("coordinator"))
    content = client.get("/register/").content.decode()
    assert 'href="#main"' in content and '<main id="main"' in content
    assert "<nav " in content and "<header" in content and "<footer" in content
