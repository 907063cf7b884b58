import csv
import io

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from maatwerk.audit import events
from maatwerk.audit.labels import readable
from maatwerk.audit.models import AccessLogEntry, Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.testing.cases import make_cases

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
    # The search's dates are Dutch days (between 23:00 and 24:00 UTC in winter the UTC
    # date is the day before).
    today = timezone.localtime(AccessLogEntry.objects.first().occurred_at).date().isoformat()
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


# --- Readable rows ---------------------------------------------------------------------


def test_rows_name_objects_and_roles_and_show_the_detail(client, make_user, login, teams):
    professional = make_user("professional", teams=[teams[0]], organisation=teams[0].organisation)
    (case,) = make_cases(teams[0], professional, 1)
    events.case_read(_request(professional), case, detail="journey timeline")
    log_access(
        action=Action.PERMISSION_DENIED,
        processing_activity=ProcessingActivity.AUTHENTICATION,
        actor=professional,
        object_type="page",
        object_id="/beheer/",
        result="denied",
        detail="accounts.use_admin_site,cases.maintain_case",
    )
    login(make_user("privacy_officer"), verified=True)
    response = client.get(PAGE, {"user": professional.username})
    html = response.content.decode()
    rows = response.context["rows"]
    read = next(r for r in rows if r.action == Action.READ)
    assert read.object == f"casus {case.household.pseudonym}"
    assert read.roles == "Professional (casusregisseur)"
    assert read.detail == "journey timeline"
    denied = next(r for r in rows if r.action == Action.PERMISSION_DENIED)
    assert denied.object == "pagina /beheer/"
    assert denied.detail == "accounts.use_admin_site, cases.maintain_case"
    for shown in (
        f"casus {case.household.pseudonym}",
        "Professional (casusregisseur)",
        teams[0].organisation.name,
        "journey timeline",
        "geweigerd",
    ):
        assert shown in html, shown
    assert "cases.case" not in html


def test_an_object_nobody_named_gets_its_model_name(client, make_user, login):
    log_access(
        action=Action.UPDATE,
        processing_activity=ProcessingActivity.REGISTER_MANAGEMENT,
        actor_username="beheer",
        object_type="register.regulation",
        object_id=3,
    )
    login(make_user("privacy_officer"), verified=True)
    (row,) = client.get(PAGE, {"user": "beheer"}).context["rows"]
    assert row.object == "wet of regeling 3"


@pytest.mark.parametrize(
    ("detail", "shown", "html"),
    [
        (
            "accounts.use_admin_site,cases.maintain_case",
            "accounts.use_admin_site, cases.maintain_case",
            "accounts<wbr>.use_<wbr>admin_<wbr>site, cases<wbr>.maintain_<wbr>case",
        ),
        ("U-2026-00007: € 4.200,00", "U-2026-00007: € 4.200,00", "U-2026-00007: € 4.200,00"),
        ("not visible; /cases/2/", "not visible; /cases/2/", "not visible; /cases<wbr>/2/"),
        ("<b>x</b>", "<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),  # escaped
    ],
)
def test_details_wrap_between_names_never_inside_a_word(detail, shown, html):
    (row,) = readable([AccessLogEntry(detail=detail, roles="")])
    assert row.detail == shown
    assert row.detail_html == html


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


# --- Export of one household's accesses --------------------------------------------------

EXPORT_CSV = reverse("audit:log_export", args=["csv"])
EXPORT_PDF = reverse("audit:log_export", args=["pdf"])


@pytest.fixture
def household_rows(make_user, teams):
    professional = make_user("professional", teams=[teams[0]], organisation=teams[0].organisation)
    (case,) = make_cases(teams[0], professional, 1)
    events.case_read(_request(professional), case, detail="case page")
    events.case_read(_request(professional), case, detail="plan 1 v1")
    entry("someone-else", household="HH-OTHER")
    return case.household.pseudonym, professional


def test_csv_export_of_one_household_is_complete_and_logged(
    client, make_user, login, household_rows
):
    pseudonym, professional = household_rows
    officer = make_user("privacy_officer")
    login(officer, verified=True)
    response = client.get(EXPORT_CSV, {"household": pseudonym.lower()})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *rows = lines
    assert header[:3] == ["Tijdstip", "Gebruiker", "Namens"]
    assert [row[header.index("Toelichting")] for row in rows] == [
        "case page",
        "plan 1 v1",
    ]  # oldest first
    assert {row[header.index("Huishouden")] for row in rows} == {pseudonym}
    assert rows[0][header.index("Gebruiker")] == professional.username
    assert rows[0][header.index("Object")] == f"casus {pseudonym}"
    export = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert (export.actor, export.household) == (officer, pseudonym.lower())
    assert export.processing_activity == ProcessingActivity.AUDIT_SUPERVISION
    assert export.detail.startswith("csv: 2 entries")


def test_pdf_for_an_inzage_request_names_no_employee(client, make_user, login, household_rows):
    pseudonym, professional = household_rows
    login(make_user("privacy_officer"), verified=True)
    response = client.get(EXPORT_PDF, {"household": pseudonym})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())  # a narrow column wraps "Professional (casusregisseur)"
    assert pseudonym in text
    assert "Professional (casusregisseur)" in text
    assert professional.organisation.name in text
    assert professional.username not in text
    assert "127.0.0.1" not in text
    assert "2 regels" in text
    export = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert export.household == pseudonym and export.detail.startswith("pdf: 2 entries")


def test_an_export_needs_a_household_and_stores_nothing_without(client, make_user, login):
    login(make_user("privacy_officer"), verified=True)
    response = client.get(EXPORT_CSV, {"date_from": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["household"]
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()
    assert (
        client.get(reverse("audit:log_export", args=["xlsx"]), {"household": "HH-1"}).status_code
        == 404
    )


def test_only_the_privacy_officer_exports(client, make_user, login, household_rows):
    pseudonym, professional = household_rows
    login(professional)
    assert client.get(EXPORT_CSV, {"household": pseudonym}).status_code == 403
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()


def test_the_search_page_offers_the_export_for_a_household(client, make_user, login):
    login(make_user("privacy_officer"), verified=True)
    html = client.get(PAGE, {"household": "HH-1111", "action": "read"}).content.decode()
    assert f'{EXPORT_CSV}?household=HH-1111"' in html
    assert EXPORT_CSV not in client.get(PAGE).content.decode()


@pytest.mark.parametrize(
    "dates",
    [
        {"date_from": "0001-01-01"},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_field_errors(client, make_user, login, dates):
    login(make_user("privacy_officer"), verified=True)
    response = client.get(PAGE, dates)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == set(dates)
    export = client.get(reverse("audit:log_export", args=["csv"]), {"household": "HH-1", **dates})
    assert export.status_code < 500
