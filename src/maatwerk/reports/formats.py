"""The report object (``services.build_report``) in the formats people take away:

- ``json``: the object itself, keys in the report's order, UTF-8, two-space indents — what
  ``maatwerk report --format json`` prints and the reference check compares;
- ``csv``: one row per figure; columns ``section;key;value;suppressed;previous``
  (semicolons and a byte-order mark, so Excel opens it in Dutch; docs/report-page.md);
- ``xlsx``: a sheet of contents, a sheet per section, and the method note;
- ``html``: one standalone file (its CSS inside, charts as inline SVG, no link out);
- ``pdf``: that HTML printed by WeasyPrint (no network: nothing to fetch).

A suppressed figure is never written as a number: in the CSV its value is empty and
``suppressed`` is 1, in the spreadsheet and on paper its cell holds the mark ("< 5"
or "—") explained in the legend.
"""

from __future__ import annotations

import csv
import io
import json

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import charts, presentation

FORMATS = ("json", "csv", "xlsx", "html", "pdf")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
}
CSV_COLUMNS = ("section", "key", "value", "suppressed", "previous")


def render(report: dict, fmt: str) -> str | bytes:
    """The report in ``fmt`` (one of ``FORMATS``): str for json, csv and html; bytes
    for xlsx and pdf."""
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "html":
        return render_html(report)
    if fmt == "pdf":
        return render_pdf(report)
    raise ValueError(f"unknown report format: {fmt!r}")


def render_json(report: dict) -> str:
    """UTF-8 JSON, keys in the report's order, two-space indent, a final newline (as
    the figures wrote it: what ``maatwerk report --format json`` prints)."""
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


# --- CSV ----------------------------------------------------------------------------


def csv_rows(report: dict) -> list[list[str]]:
    suppressed = set(report.get("suppressed") or ())
    previous = report.get("previous") or None
    before = dict(presentation.flat_figures(previous)) if previous else {}
    period = report.get("period") or {}
    rows = [
        ["report", "format", report.get("format", ""), "0", ""],
        ["report", "from", period.get("from", ""), "0", ""],
        ["report", "to", period.get("to", ""), "0", ""],
        ["report", "team", "" if report.get("team") is None else str(report["team"]), "0", ""],
        ["report", "min_cell", str(report.get("min_cell", "")), "0", ""],
        ["report", "generated_at", str(report.get("generated_at", "")), "0", ""],
    ]
    for path, value in presentation.flat_figures(report):
        section, _sep, key = path.partition(".")
        rows.append(
            [
                section,
                key,
                "" if value is None else _csv_value(value),
                "1" if path in suppressed else "0",
                "" if before.get(path) is None else _csv_value(before[path]),
            ]
        )
    return rows


def _csv_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def render_csv(report: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(report))
    return "\ufeff" + buffer.getvalue()


# --- the readable report: one context for the page, the HTML and the PDF ------------


def report_context(report: dict) -> dict:
    sections = presentation.sections(report)
    for section in sections:
        section.charts = charts.section_charts(section)
    threshold = report.get("min_cell") or 0
    threshold = threshold if threshold > 1 else 0  # 1 suppresses nothing: off
    return {
        "uses_below": _uses_below(sections),
        "report": report,
        "sections": sections,
        "method": presentation.method_lines(report),
        "team_name": presentation.team_name(report),
        "period_from": presentation._date((report.get("period") or {}).get("from")),
        "period_to": presentation._date((report.get("period") or {}).get("to")),
        "has_previous": bool(report.get("previous")),
        "threshold": threshold,
        "below": presentation.below(threshold) if threshold else "",
        "suppressed_count": len(report.get("suppressed") or ()),
    }


def _uses_below(sections) -> bool:
    """Whether any figure is shown as "< N" (the legend explains only the marks used)."""
    for section in sections:
        cells = [c for row in section.rows for c in (row.cell, row.previous) if c is not None]
        matrix = section.matrix or {}
        cells += list((matrix.get("cells") or {}).values())
        cells += [row.cell for row in matrix.get("distribution") or []]
        if any(cell.mark.startswith("<") for cell in cells):
            return True
    return False


def report_css() -> str:
    from django.contrib.staticfiles import finders

    path = finders.find("reports/report.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def render_html(report: dict, *, for_print: bool = False) -> str:
    context = report_context(report)
    context["css"] = report_css()
    context["for_print"] = for_print
    return render_to_string("reports/report_document.html", context)


def render_pdf(report: dict) -> bytes:
    from weasyprint import HTML

    html = render_html(report, for_print=True)

    def no_fetch(url, *args, **kwargs):  # the document is self-contained
        raise ValueError(f"the report fetches nothing: {url}")

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()


# --- XLSX ---------------------------------------------------------------------------


def _sheet_title(text: str, used: set) -> str:
    title = "".join(ch for ch in str(text) if ch not in "[]:*?/\\")[:31] or "sheet"
    base, n = title, 2
    while title.lower() in used:
        suffix = f" {n}"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title.lower())
    return title


def _xlsx_value(cell: presentation.Cell | None):
    """A shown figure as a number (money as a decimal), a hidden one as its mark."""
    if cell is None:
        return None
    if not cell.shown:
        return cell.text()
    if cell.kind == "money":
        from decimal import Decimal

        return float(Decimal(str(cell.value)))
    return cell.value


def render_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    context = report_context(report)
    bold = Font(bold=True)
    book = Workbook()
    used: set = set()
    summary = book.active
    summary.title = _sheet_title(_("Report"), used)
    summary.append([_("System learning report")])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("Period"), f"{context['period_from']} – {context['period_to']}"])
    summary.append([_("Team"), context["team_name"]])
    summary.append([_("Threshold"), report.get("min_cell")])
    summary.append([_("Generated at"), str(report.get("generated_at", ""))])
    summary.append([])
    summary.append([_("Legend"), _legend(context)])
    summary.append([])
    summary.append([_("Sheet"), _("Contents")])
    has_previous = context["has_previous"]
    for section in context["sections"]:
        sheet = book.create_sheet(_sheet_title(section.title, used))
        summary.append([sheet.title, section.intro])
        sheet.append([section.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([section.intro])
        sheet.append([])
        head = [_("Figure"), _("This period")]
        if has_previous:
            head += [_("Previous period"), _("Difference")]
        head += [_("Suppressed"), _("Key")]
        sheet.append(head)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        rows = list(section.rows)
        if section.key == "approval":
            rows += (section.matrix or {}).get("distribution") or []
        for row in rows:
            line = [row.label, _xlsx_value(row.cell)]
            if has_previous:
                line += [_xlsx_value(row.previous), _xlsx_value(row.diff)]
            line += [_("yes") if row.cell.suppressed else "", row.path]
            sheet.append(line)
        if section.key == "learning_points" and section.matrix:
            sheet.append([])
            sheet.append(
                [_("Follow-up per addressee")]
                + [str(label) for _c, label in section.matrix["columns"]]
            )
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for code, name in section.matrix["rows"]:
                sheet.append(
                    [name]
                    + [
                        _xlsx_value(section.matrix["cells"][(code, c)])
                        for c, _l in section.matrix["columns"]
                    ]
                )
        sheet.column_dimensions["A"].width = 48
        for letter in "BCDE":
            sheet.column_dimensions[letter].width = 16
        sheet.column_dimensions["F"].width = 40
    method = book.create_sheet(_sheet_title(_("Method"), used))
    method.append([_("Method")])
    method["A1"].font = Font(bold=True, size=13)
    for label, text in context["method"]:
        method.append([str(label), str(text)])
    method.append([_("Legend"), _legend(context)])
    method.column_dimensions["A"].width = 28
    method.column_dimensions["B"].width = 100
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _legend(context) -> str:
    if not context["threshold"]:
        return _("— not applicable.")
    return _(
        "%(below)s: fewer than %(threshold)s cases, not shown. —: not shown to protect "
        "another small number (secondary suppression), computed over too few cases, or "
        "not applicable."
    ) % {"below": context["below"], "threshold": context["threshold"]}


def legend(report: dict) -> str:
    threshold = report.get("min_cell") or 0
    threshold = threshold if threshold > 1 else 0
    return _legend(
        {"threshold": threshold, "below": presentation.below(threshold) if threshold else ""}
    )
