"""The team overview as CSV and XLSX (openpyxl): aggregates only — totals, by month
and by purpose per team. No case, household or spend description ever leaves here."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .selectors import Figures, TeamOverview

CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT)


def _month_name(year: int, month: int) -> str:
    return date_format(date(year, month, 1), "F")


def _figure_columns() -> list[str]:
    return [_("Spent"), _("Reversed"), _("Spent (net)"), _("Committed")]


def _figure_values(figures: Figures) -> list[Decimal]:
    return [
        _money(figures.spent),
        _money(figures.reversed),
        _money(figures.net_spent),
        _money(figures.committed),
    ]


def tables(overviews: list[TeamOverview], year: int) -> dict[str, list[list]]:
    """The three tables of the export, each a header row and data rows."""
    totals = [
        [
            _("Team"),
            _("Year"),
            _("Budget"),
            *_figure_columns(),
            _("Remaining"),
            _("Open receivables (bridging)"),
        ]
    ]
    months = [[_("Team"), _("Month"), *_figure_columns()]]
    purposes = [[_("Team"), _("Purpose"), *_figure_columns()]]
    for overview in overviews:
        totals.append(
            [
                overview.team,
                year,
                _money(overview.totals.budget),
                *_figure_values(overview.totals),
                _money(overview.totals.remaining),
                _money(overview.bridging_open),
            ]
        )
        for month, figures in overview.by_month:
            months.append([overview.team, _month_name(year, month), *_figure_values(figures)])
        for purpose, figures in overview.by_purpose:
            purposes.append([overview.team, purpose, *_figure_values(figures)])
    return {_("Totals"): totals, _("By month"): months, _("By purpose"): purposes}


def _filename(year: int, extension: str) -> str:
    return f"maatwerkbudget-{year}.{extension}"


def csv_response(overviews: list[TeamOverview], year: int) -> HttpResponse:
    """One CSV file with the three tables one after another (separated by an empty
    line), ``;``-separated with a decimal comma as Dutch spreadsheets expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for index, (title, rows) in enumerate(tables(overviews, year).items()):
        if index:
            writer.writerow([])
        writer.writerow([title])
        for row in rows:
            writer.writerow(
                [
                    str(value).replace(".", ",") if isinstance(value, Decimal) else value
                    for value in row
                ]
            )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(year, "csv")}"'
    return response


def xlsx_response(overviews: list[TeamOverview], year: int) -> HttpResponse:
    """One worksheet per table; amounts as numbers in a euro format."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in tables(overviews, year).items():
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "€ #,##0.00"
        for column in sheet.columns:
            width = max(len(str(cell.value or "")) for cell in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 50)
        sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(year, "xlsx")}"'
    return response
