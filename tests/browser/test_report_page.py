"""The coordinator opens the system-learning report, reads its charts, and downloads
the PDF that the worker made (docs/report-page.md)."""

import copy
import io
import json
from pathlib import Path

import pytest
from browser_support import assert_accessible, log_in
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from maatwerk.reports import reading
from maatwerk.reports.models import Job

FIXTURE = Path(reading.__file__).parent / "tests" / "fixtures" / "report.json"


@pytest.fixture
def fake_figures(monkeypatch):
    """The hand-written report object (reports/tests/fixtures), for the period asked:
    this test is about the page, not the figures."""

    def compute(date_from, date_to, *, team, min_cell):
        report = copy.deepcopy(json.loads(FIXTURE.read_text(encoding="utf-8")))
        report["period"] = {"from": date_from.isoformat(), "to": date_to.isoformat()}
        report["min_cell"] = min_cell
        return report

    monkeypatch.setattr(reading, "compute_report", compute)


def test_coordinator_reads_the_report_and_downloads_the_pdf(
    page, site, demo, demo_password, fake_figures, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    log_in(page, site, "coordinator", demo_password)
    page.locator('header nav a[href="/reports/"]').click()
    expect(page).to_have_url(site.url("/reports/"))
    form = page.locator("main form.report-form")
    form.locator("#id_year").select_option("2023")
    form.locator("button[type=submit]").click()

    expect(page.locator("main h1")).to_have_text("Rapportage systeemleren")
    charts = page.locator("main svg.report-chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 9
    # Every chart points at the table that holds its figures.
    for index in range(charts.count()):
        described = charts.nth(index).get_attribute("aria-describedby")
        expect(page.locator(f"#{described}")).to_have_count(1)
    expect(page.locator("#table-life_domains")).to_contain_text("Financiën en schulden")
    expect(page.locator("#section-method")).to_contain_text("life_domains.addiction")
    assert_accessible(page, context="report page")

    downloads = page.locator("main form.report-downloads")
    downloads.locator("select[name=format]").select_option("pdf")
    downloads.get_by_test_id("report-download").click()
    job = Job.objects.get()
    expect(page).to_have_url(site.url(f"/reports/jobs/{job.pk}/"))
    expect(page.get_by_test_id("job-status")).to_contain_text("Het rapport wordt gemaakt.")

    call_command("db_worker", batch=True, no_startup_delay=True)
    page.reload()
    expect(page.get_by_test_id("job-status")).to_contain_text("Het rapport is klaar.")
    with page.expect_download() as download_info:
        page.get_by_test_id("job-file").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == "systeemleren-2023-01-01-2023-12-31.pdf"
    reader = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Rapportage systeemleren" in text and "Financiën en schulden" in text
    assert "Methode" in text
