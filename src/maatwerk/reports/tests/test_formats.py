"""Every format rendered from the fixture report; a suppressed figure never becomes a
number in any of them."""

import csv
import io
import json
import re

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from maatwerk.reports import formats, presentation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def test_json_is_the_report_itself_in_its_order_and_utf8(report):
    report = {"format": report.pop("format"), **report}  # keys as build_report orders them
    text = formats.render(report, "json")
    assert text == json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    assert json.loads(text) == report
    assert list(json.loads(text)) == list(report)  # the report's own order, not sorted
    assert text.startswith('{\n  "format": "maatwerk-report/1"')
    assert "Financiën" not in text  # codes, not labels
    assert "\\u" not in text


def test_csv_has_one_row_per_figure_and_no_number_for_a_suppressed_one(report):
    text = formats.render(report, "csv")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert list(rows[0]) == list(formats.CSV_COLUMNS)
    figures = {(r["section"], r["key"]): r for r in rows if r["section"] != "report"}
    assert len(figures) == len(presentation.flat_figures(report))
    assert figures[("cases", "")]["value"] == "123"
    assert figures[("cases", "")]["previous"] == "97"
    assert figures[("life_domains", "finances")] == {
        "section": "life_domains",
        "key": "finances",
        "value": "88",
        "suppressed": "0",
        "previous": "70",
    }
    assert figures[("budget", "total")]["value"] == "18234.50"
    assert figures[("learning_points", "by_status.rejected")]["suppressed"] == "1"
    suppressed = {f"{r['section']}.{r['key']}" for r in rows if r["suppressed"] == "1"}
    assert suppressed == set(report["suppressed"])
    for row in rows:
        if row["suppressed"] == "1":
            assert row["value"] == ""
    meta = {r["key"]: r["value"] for r in rows if r["section"] == "report"}
    assert meta["from"] == "2023-01-01" and meta["min_cell"] == "5"


def test_xlsx_has_a_sheet_per_section_and_the_method(report):
    book = load_workbook(io.BytesIO(formats.render(report, "xlsx")))
    assert book.sheetnames[0] == "Rapport"
    assert "Leefgebieden" in book.sheetnames
    assert "Methode" in book.sheetnames
    assert len(book.sheetnames) == len(presentation.sections(report)) + 2
    domains = book["Leefgebieden"]
    rows = {row[5]: row for row in domains.iter_rows(min_row=5, values_only=True) if row[5]}
    assert rows["life_domains.finances"][:4] == ("Financiën en schulden", 88, 70, 18)
    addiction = rows["life_domains.addiction"]
    assert addiction[1] == "—" and addiction[4] == "ja"
    assert rows["life_domains.residence_status"][1] == 0  # a real zero stays a zero
    # No cell of a suppressed path holds a number, on any sheet.
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if len(row) > 5 and row[5] in report["suppressed"]:
                assert not isinstance(row[1], (int, float)), row
    budget = {row[5]: row for row in book["Maatwerkbudget"].iter_rows(values_only=True) if row[5]}
    assert budget["budget.total"][1] == 18234.5
    method = list(book["Methode"].iter_rows(values_only=True))
    text = " ".join(str(cell) for row in method for cell in row if cell)
    assert "drempel 5" in text and "life_domains.addiction" in text


def _numbers_next_to(text: str, label: str) -> list[str]:
    return re.findall(re.escape(label) + r"\s+(\S+)", text)


def test_html_is_standalone_with_charts_and_text_alternatives(report):
    html = formats.render(report, "html")
    assert html.startswith("<!DOCTYPE html>")
    assert (
        "<link" not in html
        and "src=" not in html
        and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    )
    assert html.count("<svg") >= 9
    for chart in re.findall(r"<svg[^>]*>", html):
        described = re.search(r'aria-describedby="([^"]+)"', chart).group(1)
        assert f'id="{described}"' in html, described
        assert 'role="img"' in chart
    assert "<title" in html and "<desc" in html
    # Labels are the translated names.
    assert "Financiën en schulden" in html  # the reference list's name
    assert "wet- en regelgeving" in html  # learning.BottleneckCategory
    assert "mag niet van de wet" in html  # journeys.RefusalReason
    # The comparison columns and the method note.
    assert "Vorige periode" in html and "Verschil" in html
    assert "Methode" in html and "Secundaire onderdrukking" in html
    # The legend explains the mark; the mark stands where the figure would be.
    assert "Legenda" in html


def test_suppressed_cells_show_a_mark_never_a_number(report):
    html = formats.render(report, "html")
    rows = re.findall(r"<tr><th scope=\"row\">Verslaving</th><td[^>]*>([^<]*)</td>", html)
    assert rows == ["—", "—"]  # life domain and primary domain: both suppressed
    # Every bar of a hidden figure is an open dashed box with its mark, not a length.
    addiction_bar = re.search(r"Verslaving</text>(<rect[^>]*>)", html).group(1)
    assert 'fill="none"' in addiction_bar and "stroke-dasharray" in addiction_bar


def test_a_primary_suppression_is_shown_below_the_threshold_when_the_report_says_so(report):
    report["method"]["secondary"] = ["outcomes.withdrawn"]
    figures = presentation.Figures(report)
    assert figures.cell("life_domains.addiction").text() == "< 5"
    assert figures.cell("outcomes.withdrawn").text() == "—"
    assert figures.cell("plan_approval_days.median", "days").text() == "48,5"


def test_pdf_holds_the_text_the_charts_and_the_method(report):
    pdf = formats.render(report, "pdf")
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Systeemleren" in text or "systeemleren" in text.lower()
    assert "1 januari 2023" in text
    assert "Financiën en schulden" in text
    assert "Methode" in text
    assert "life_domains.addiction" in text  # what was suppressed, in the method note
    # The suppressed figure's row holds the mark, never a number.
    line = next(line for line in text.splitlines() if line.startswith("Verslaving"))
    assert "—" in line


def test_no_previous_period_no_comparison(report):
    report["previous"] = None
    html = formats.render(report, "html")
    assert "Vorige periode" not in html.split("Methode")[0]
    assert "Geen vorige periode" in html


def test_threshold_zero_says_so(report):
    report["min_cell"] = 0
    report["suppressed"] = []
    html = formats.render(report, "html")
    assert "drempel 0" in html


def test_an_unknown_format_is_refused(report):
    with pytest.raises(ValueError):
        formats.render(report, "docx")


def test_the_legend_explains_the_marks_used(report):
    html = formats.render(report, "html")
    assert "“&lt; 5”" not in html  # the fixture does not say which suppressions were primary
    report["method"]["secondary"] = ["outcomes.withdrawn"]
    html = formats.render(report, "html")
    assert "“&lt; 5”: minder dan 5 casussen, niet getoond." in html
    assert re.search(r"Verslaving</th><td[^>]*>&lt; 5</td>", html)
