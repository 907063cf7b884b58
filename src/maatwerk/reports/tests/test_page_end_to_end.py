"""The page and the job over the real figures (``services.build_report``) of imported
cases: what the page shows is what ``maatwerk report`` computes, and the page's
queries do not grow with the number of cases."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from maatwerk.reports import formats
from maatwerk.reports.models import Job
from maatwerk.reports.services import build_report

from . import figures_data

pytestmark = pytest.mark.django_db

URL = reverse("reports:report")
YEAR = {"year": "2023"}


def _import(tmp_path, lines, name="cases.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    call_command(
        "import-cases", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO()
    )


@pytest.fixture
def imported(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    lines = figures_data.lines(120)
    _import(tmp_path, lines)
    return lines


def test_the_page_shows_the_figures_of_the_report(client, login, make_user, imported):
    from datetime import date

    login(make_user("analyst"))
    html = client.get(URL, YEAR).content.decode()
    report = build_report(date(2023, 1, 1), date(2023, 12, 31))
    cases = re.search(r'casussen geopend in de periode</th><td class="num">([^<]+)</td>', html)
    assert cases.group(1).replace(".", "") == str(report["cases"])
    # Every suppressed figure of the report is a mark on the page, never its number.
    assert report["suppressed"]
    context = formats.report_context(report)
    for section in context["sections"]:
        for row in section.rows:
            if row.path in report["suppressed"]:
                assert not row.cell.shown and row.cell.text() in ("—", "< 5")
    assert "Methode" in html and html.count("<svg") >= 8


def test_the_page_queries_do_not_grow_with_the_cases(
    client, login, make_user, imported, tmp_path, assert_constant_queries
):
    login(make_user("analyst"))
    client.get(URL, YEAR)

    def grow():
        more = figures_data.lines(60)
        for line in more:
            line["source"] = "Gemeente Elders"
        _import(tmp_path, more, "more.jsonl")

    assert_constant_queries(lambda: client.get(URL, YEAR), grow)


@pytest.mark.django_db(transaction=True)
def test_an_xlsx_job_over_the_real_figures(client, login, make_user, imported):
    from openpyxl import load_workbook

    login(make_user("coordinator"))
    client.post(reverse("reports:job_start"), {**YEAR, "format": "xlsx"})
    call_command("db_worker", batch=True, no_startup_delay=True)
    job = Job.objects.get()
    assert job.state == "done"
    content = b"".join(client.get(reverse("reports:job_file", args=[job.pk])).streaming_content)
    book = load_workbook(io.BytesIO(content))
    overview = {row[5]: row for row in book["Casussen en verzoeken"].iter_rows(values_only=True)}
    assert overview["cases"][1] == job.result["cases"]
