"""The report page and its jobs: who may see them, the period and team form, the
threshold that only an explicit permission lowers (and the log that says so), the job
through the worker, the downloads only for their owner, logged as exports."""

import io
import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from maatwerk.audit.models import AccessLogEntry
from maatwerk.reports import reading
from maatwerk.reports.models import Job

pytestmark = pytest.mark.django_db

URL = reverse("reports:report")
YEAR = {"year": "2023"}


@pytest.fixture(autouse=True)
def private_media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


# The worker closes the connection when it is inside a transaction (autocommit off:
# close_old_connections), as a test's transaction is: these tests commit for real.
WORKER = pytest.mark.django_db(transaction=True)


def grant(user, codename):
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="reports", codename=codename)
    )
    # a fresh object: the permission cache of the old one is stale
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("role", ["coordinator", "analyst"])
def test_the_page_is_for_coordinators_and_analysts(client, login, make_user, role, fake_figures):
    login(make_user(role))
    page = client.get(URL)
    assert page.status_code == 200
    assert "Rapportage systeemleren" in page.content.decode()
    nav = [item["url"] for item in page.context["main_nav"]]
    assert URL in nav


@pytest.mark.parametrize(
    "role", ["professional", "decision_maker", "budget_holder", "privacy_officer", "admin", None]
)
def test_everyone_else_is_refused_and_logged(client, login, make_user, teams, role, fake_figures):
    user = make_user(role, teams=[teams[0]]) if role else make_user()
    login(user, verified=True)
    assert client.get(URL, YEAR).status_code == 403
    assert client.post(reverse("reports:job_start"), {**YEAR, "format": "pdf"}).status_code == 403
    refusal = AccessLogEntry.objects.filter(actor=user, action="permission_denied").first()
    assert refusal is not None and "reports.view_report" in refusal.detail
    assert not fake_figures and not Job.objects.exists()
    page = client.get(reverse("web:home"))
    assert URL not in [item["url"] for item in page.context.get("main_nav") or []]


def test_a_year_shows_the_report_with_charts_comparison_and_method(
    client, login, make_user, fake_figures
):
    analyst = make_user("analyst")
    login(analyst)
    page = client.get(URL, YEAR)
    html = page.content.decode()
    assert page.status_code == 200
    assert fake_figures[-1]["from"].isoformat() == "2023-01-01"
    assert fake_figures[-1]["to"].isoformat() == "2023-12-31"
    assert fake_figures[-1]["team"] is None and fake_figures[-1]["min_cell"] == 5
    assert html.count("<svg") >= 9 and "aria-describedby" in html
    assert "Vorige periode" in html and "Verschil" in html and "Methode" in html
    assert "Financiën en schulden" in html
    # CSP: the page has no inline style (charts use SVG attributes; CSS is a file).
    assert " style=" not in html and "<style" not in html
    entry = AccessLogEntry.objects.filter(actor=analyst, action="read").get()
    assert entry.object_type == "reports.report"
    assert "2023-01-01..2023-12-31" in entry.detail and "min_cell 5" in entry.detail


def test_from_and_to_with_dutch_errors(client, login, make_user, fake_figures):
    login(make_user("analyst"))
    page = client.get(URL, {"date_from": "2023-03-01", "date_to": "2023-02-01"})
    assert "De einddatum ligt vóór de begindatum." in page.content.decode()
    page = client.get(URL, {"date_from": "31-02-2023", "date_to": ""})
    html = page.content.decode()
    assert "Geef de laatste dag van de periode." in html
    assert "geldige datum" in html.lower()
    assert client.get(URL, {"date_from": "0001-01-01", "date_to": "9999-12-31"}).status_code == 200
    assert not fake_figures  # nothing computed for bad input
    page = client.get(URL, {"date_from": "2023-04-01", "date_to": "2023-06-30"})
    assert fake_figures[-1]["from"].isoformat() == "2023-04-01"


def test_a_coordinator_without_all_teams_chooses_among_their_own(
    client, login, make_user, teams, fake_figures
):
    user = make_user("coordinator", teams=[teams[0]])
    user.groups.first().permissions.remove(
        Permission.objects.get(content_type__app_label="reports", codename="view_all_teams")
    )
    user = type(user).objects.get(pk=user.pk)
    login(user)
    page = client.get(URL)
    options = page.context["form"].fields["team"].queryset
    assert list(options) == [teams[0]]
    page = client.get(URL, {**YEAR, "team": teams[1].pk})
    assert page.context["form"].errors["team"]
    assert not fake_figures
    page = client.get(URL, {**YEAR})  # "all teams" is not theirs to ask
    assert page.context["form"].errors["team"]
    client.get(URL, {**YEAR, "team": teams[0].pk})
    assert fake_figures[-1]["team"] == teams[0]


def test_an_analyst_may_ask_for_any_team(client, login, make_user, teams, fake_figures):
    login(make_user("analyst"))
    client.get(URL, {**YEAR, "team": teams[1].pk})
    assert fake_figures[-1]["team"] == teams[1]


def test_lowering_the_threshold_needs_the_permission(client, login, make_user, fake_figures):
    analyst = make_user("analyst")
    login(analyst)
    page = client.get(URL, {**YEAR, "min_cell": "0"})
    assert "U mag de drempel niet verlagen tot onder 5." in page.content.decode()
    assert not fake_figures
    response = client.post(
        reverse("reports:job_start"), {**YEAR, "min_cell": "0", "format": "json"}
    )
    assert response.status_code == 400 and not Job.objects.exists()
    # Raising it is anyone's right.
    client.get(URL, {**YEAR, "min_cell": "10"})
    assert fake_figures[-1]["min_cell"] == 10
    # No role has it: functional management gives it to one user.
    from django.contrib.auth.models import Group

    assert not Group.objects.filter(permissions__codename="lower_threshold").exists()


def test_lowering_it_with_the_permission_is_logged(client, login, make_user, fake_figures):
    analyst = grant(make_user("analyst"), "lower_threshold")
    login(analyst)
    page = client.get(URL, {**YEAR, "min_cell": "0"})
    assert page.status_code == 200 and fake_figures[-1]["min_cell"] == 0
    assert "drempel 0" in page.content.decode()
    entry = AccessLogEntry.objects.filter(actor=analyst, action="read").get()
    assert "threshold lowered from 5 to 0" in entry.detail


@WORKER
def test_a_pdf_job_through_the_worker_downloaded_by_its_owner_only(
    client, login, make_user, fake_figures
):
    coordinator = make_user("coordinator")
    login(coordinator)
    response = client.post(reverse("reports:job_start"), {**YEAR, "format": "pdf"})
    job = Job.objects.get()
    assert response.url == reverse("reports:job_detail", args=[job.pk])
    assert job.kind == "report" and job.state == "queued" and job.created_by == coordinator
    assert job.parameters == {
        "from": "2023-01-01",
        "to": "2023-12-31",
        "team": None,
        "min_cell": 5,
        "format": "pdf",
        "language": "nl",
    }
    created = AccessLogEntry.objects.get(actor=coordinator, action="create")
    assert created.object_type == "reports.job" and created.object_id == str(job.pk)
    waiting = client.get(response.url)
    assert b'http-equiv="refresh"' in waiting.content and b"<progress" in waiting.content
    assert client.get(reverse("reports:job_file", args=[job.pk])).status_code == 404

    call_command("db_worker", batch=True, no_startup_delay=True)

    job.refresh_from_db()
    assert job.state == "done" and job.done == job.total and job.finished_at
    assert (
        job.result["format"] == "maatwerk-report/1" and job.result["period"]["from"] == "2023-01-01"
    )
    done = client.get(response.url)
    assert b'http-equiv="refresh"' not in done.content
    assert reverse("reports:job_file", args=[job.pk]).encode() in done.content
    download = client.get(reverse("reports:job_file", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "systeemleren-2023-01-01-2023-12-31.pdf" in download["Content-Disposition"]
    pdf = b"".join(download.streaming_content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Rapportage systeemleren" in text and "Methode" in text
    export = AccessLogEntry.objects.get(actor=coordinator, action="export")
    assert export.object_type == "reports.job" and "format pdf" in export.detail

    # Someone else — even with the same role — gets a 404, logged.
    other = make_user("coordinator")
    login(other)
    assert client.get(reverse("reports:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:job_file", args=[job.pk])).status_code == 404
    refused = AccessLogEntry.objects.filter(actor=other, action="permission_denied")
    assert refused.count() == 2 and refused.first().object_type == "reports.job"
    assert not AccessLogEntry.objects.filter(actor=other, action="export").exists()


@WORKER
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "html"])
def test_the_other_files_through_the_worker(client, login, make_user, fake_figures, fmt):
    login(make_user("analyst"))
    client.post(reverse("reports:job_start"), {**YEAR, "format": fmt})
    call_command("db_worker", batch=True, no_startup_delay=True)
    job = Job.objects.get()
    assert job.state == "done"
    content = b"".join(client.get(reverse("reports:job_file", args=[job.pk])).streaming_content)
    if fmt == "xlsx":
        assert "Methode" in load_workbook(io.BytesIO(content)).sheetnames
    elif fmt == "json":
        assert json.loads(content) == job.result
    elif fmt == "csv":
        assert content.decode("utf-8-sig").startswith("section;key;value;suppressed;previous")
    else:
        assert content.startswith(b"<!DOCTYPE html>") and b"<svg" in content


@WORKER
def test_a_failing_report_marks_the_job_failed(client, login, make_user, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(reading, "compute_report", broken)
    login(make_user("analyst"))
    client.post(reverse("reports:job_start"), {**YEAR, "format": "pdf"})
    call_command("db_worker", batch=True, no_startup_delay=True)
    job = Job.objects.get()
    assert job.state == "failed" and not job.file
    page = client.get(reverse("reports:job_detail", args=[job.pk]))
    assert "kon niet worden gemaakt" in page.content.decode()
    assert "database gone" not in page.content.decode()


@WORKER
def test_a_big_period_is_not_computed_in_the_request(
    client, login, make_user, fake_figures, monkeypatch
):
    monkeypatch.setattr(reading, "INLINE_MAX_CASES", -1)
    login(make_user("analyst"))
    page = client.get(URL, YEAR)
    assert page.context["too_big"] and not fake_figures
    assert b"reports/jobs/new/" in page.content
    client.post(reverse("reports:job_start"), {**YEAR, "format": "page"})
    call_command("db_worker", batch=True, no_startup_delay=True)
    job = Job.objects.get()
    assert job.state == "done" and not job.file
    shown = client.get(reverse("reports:job_detail", args=[job.pk])).content.decode()
    assert "<svg" in shown and "Methode" in shown


def test_the_page_query_count_is_bounded(
    client, login, make_user, fake_figures, django_assert_max_num_queries
):
    login(make_user("analyst"))
    client.get(URL, YEAR)
    with django_assert_max_num_queries(16):
        client.get(URL, YEAR)


def test_english_labels(client, login, make_user, fake_figures):
    login(make_user("analyst"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(URL, YEAR).content.decode()
    assert "System learning report" in html and "Previous period" in html


@pytest.mark.parametrize(
    "data",
    [
        {"year": "2023", "format": "docx"},
        {"year": "1899", "format": "pdf"},
        {"date_from": "0001-01-01", "date_to": "9999-12-31", "format": "pdf"},
        {"year": "2023", "format": "pdf", "team": "99999999999999999999"},
        {"year": "2023", "format": "pdf", "min_cell": "-1"},
        {"year": "\x00", "format": "pdf"},
    ],
)
def test_a_bad_job_request_is_refused_and_stores_nothing(client, login, make_user, data):
    login(make_user("analyst"))
    response = client.post(reverse("reports:job_start"), data)
    assert response.status_code == 400
    assert not Job.objects.exists()
