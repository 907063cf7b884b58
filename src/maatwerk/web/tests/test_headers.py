"""The response headers that keep case data out of caches and lock the pages down:
``Cache-Control: no-store`` for every logged-in user (maatwerk.web.middleware), the
Content-Security-Policy (django-csp), Permissions-Policy and HSTS."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from maatwerk.accounts.models import User
from maatwerk.budgets import services
from maatwerk.budgets.models import Budget
from maatwerk.cases.models import Case
from maatwerk.demo.load import create_demo_data
from maatwerk.meetings.models import Meeting

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2]  # src/maatwerk


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "no-cache", "private", "max-age=0"} <= directives


def test_every_page_and_download_with_case_data_is_no_store(
    client, login, settings, tmp_path, totp_device
):
    settings.MEDIA_ROOT = tmp_path
    create_demo_data()
    professional = User.objects.get(username="professional")
    budget_holder = User.objects.get(username="budget_holder")
    case = (
        Case.objects.filter(
            owner=professional, plans__isnull=False, requests__isnull=False, safety_concern=False
        )
        .order_by("pk")
        .first()
    )
    plan = case.plans.order_by("pk").first()
    req = case.requests.order_by("pk").first()
    budget = Budget.objects.get(team=case.team, year=timezone.localdate().year)
    request = RequestFactory().post("/")
    request.user = professional
    spend = services.spend_create(
        request=request,
        user=professional,
        case=case,
        budget=budget,
        on=timezone.localdate(),
        amount="20.00",
        purpose_category="transport",
        description="Taxi",
        payee_category="supplier",
        receipt=SimpleUploadedFile("bon.pdf", b"%PDF-1.4 receipt", "application/pdf"),
    )
    meeting = Meeting.objects.order_by("pk").first()
    year = timezone.localdate().year

    pages = {
        professional: [
            ("/", "text/html"),
            ("/cases/", "text/html"),
            (f"/cases/{case.pk}/", "text/html"),
            (f"/cases/{case.pk}/identity/", "text/html"),
            (f"/cases/{case.pk}/plans/{plan.pk}/", "text/html"),
            (f"/cases/{case.pk}/plans/{plan.pk}/pdf/", "text/html"),  # choose the reader
            (f"/cases/{case.pk}/plans/{plan.pk}/pdf/?for=household", "application/pdf"),
            (f"/journeys/cases/{case.pk}/timeline/", "text/html"),
            (f"/journeys/requests/{req.pk}/", "text/html"),
            ("/journeys/queue/", "text/html"),
            ("/notifications/", "text/html"),
            ("/notifications/preferences/", "text/html"),
            (f"/budget/cases/{case.pk}/spend/", "text/html"),
            (f"/budget/spends/{spend.pk}/", "text/html"),
            (f"/budget/spends/{spend.pk}/receipt/", "application/pdf"),
            ("/register/", "text/html"),
        ],
        User.objects.get(username="coordinator"): [
            ("/meetings/", "text/html"),
            (f"/meetings/{meeting.pk}/", "text/html"),
        ],
        budget_holder: [
            ("/budget/", "text/html"),
            ("/budget/approvals/", "text/html"),
            (f"/budget/export.csv?year={year}", "text/csv"),
            (
                f"/budget/export.xlsx?year={year}",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        ],
        User.objects.get(username="privacy_officer"): [("/audit/", "text/html")],
    }
    for user, urls in pages.items():
        client.logout()
        totp_device(user)
        login(user, verified=True)
        for url, content_type in urls:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)
            assert response["Content-Type"].startswith(content_type), url
            assert no_store(response), (url, response.get("Cache-Control"))
    # Not only the pages that answer 200: a page of someone else's case too.
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert no_store(client.get(f"/cases/{case.pk}/"))


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_stay_cacheable_for_a_logged_in_user(make_user):
    client = Client()  # a new client: WhiteNoise reads the setting when it starts
    client.force_login(make_user("professional"))
    response = client.get("/static/maatwerk/maatwerk.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_content_security_policy_is_strict(client, make_user, login):
    login(make_user("professional"))
    response = client.get("/")
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]  # the Utrecht checkboxes' tick
    assert policy["style-src"] == ["'self'"]  # no nonce: this page asked for none
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "script-src" not in policy  # default-src: scripts only from this origin
    # the anonymous login page as well
    client.logout()
    assert directives(client.get("/accounts/login/"))["default-src"] == ["'self'"]


def test_permissions_policy_switches_off_camera_microphone_and_location(client):
    response = client.get("/accounts/login/")
    features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    assert features["camera"] == features["microphone"] == features["geolocation"] == "()"
    assert set(features.values()) == {"()"}


def test_hsts_is_on_without_debug(client):
    # The test settings run with DEBUG off, like production. HSTS goes out over HTTPS.
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# What a strict CSP refuses: style attributes, inline <style> and <script> elements
# without a nonce, and event-handler attributes. The printable plan is only ever
# rendered by WeasyPrint into a PDF (maatwerk.cases.pdf), never served as a page.
NOT_A_PAGE = {
    "cases/templates/cases/plan_print.html",
    "audit/templates/audit/inzage_print.html",
    "journeys/templates/journeys/letter_print.html",  # a PDF (WeasyPrint), like the plan
    "reports/templates/reports/report_document.html",  # the report's PDF and HTML file
}
INLINE = re.compile(
    r"""\sstyle\s*=|<style(?![^>]*\snonce=)|<script(?![^>]*\ssrc=)|\son[a-z]+\s*=\s*["']""",
    re.IGNORECASE,
)
COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)


def test_no_template_needs_inline_styles_or_scripts():
    templates = sorted(SRC.glob("*/templates/**/*.html"))
    assert len(templates) > 20
    found = [
        f"{path.relative_to(SRC)}: {match.group(0)!r}"
        for path in templates
        if path.relative_to(SRC).as_posix() not in NOT_A_PAGE
        for match in INLINE.finditer(COMMENT.sub("", path.read_text(encoding="utf-8")))
    ]
    assert not found, found
