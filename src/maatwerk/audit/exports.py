"""One household's accesses, exported: a CSV file for the privacy officer, and a PDF for
an inzage request (the household's right of access, AVG art. 15).

The PDF is written for the household: when, which organisation in which role, what
was done, with what, and why (the processing activity). It names no employee and no
network address: the right of access covers the consultations of one's data, their
dates and purposes, not in principle the identity of the employees who acted under
the controller's authority (CJEU C-579/21, Pankki S, 22 June 2023). The CSV keeps
everything, for the privacy officer's own work. WeasyPrint is imported lazily, as for
the printable plan (cases/pdf.py): it needs Pango from the operating system.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .labels import ReadableEntry


def _local(entry: ReadableEntry) -> str:
    return timezone.localtime(entry.occurred_at).strftime("%Y-%m-%d %H:%M:%S")


def csv_rows(rows: list[ReadableEntry]) -> list[list[str]]:
    """The header and one line per row, oldest first as given."""
    table = [
        [
            _("Time"),
            _("User"),
            _("On behalf of"),
            _("Roles"),
            _("Organisation"),
            _("Action"),
            _("Result"),
            _("Household"),
            _("Object"),
            _("Detail"),
            _("Processing activity"),
            _("IP address"),
        ]
    ]
    for row in rows:
        table.append(
            [
                _local(row),
                row.actor_username,
                row.on_behalf_of,
                row.roles,
                row.organisation,
                row.get_action_display(),
                row.get_result_display(),
                row.household,
                row.object,
                row.detail,
                row.get_processing_activity_display(),
                row.origin or "",
            ]
        )
    return table


def _filename(household: str, extension: str) -> str:
    stamp = timezone.localdate().isoformat()
    return f"toegangslog-{slugify(household) or 'huishouden'}-{stamp}.{extension}"


def csv_response(rows: list[ReadableEntry], household: str) -> HttpResponse:
    """``;``-separated, UTF-8 with a byte-order mark, as Dutch spreadsheets expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(csv_rows(rows))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(household, "csv")}"'
    return response


def pdf_response(
    rows: list[ReadableEntry],
    household: str,
    *,
    date_from: date | None,
    date_to: date | None,
    request,
) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(
        "audit/inzage_print.html",
        {
            "rows": rows,
            "household": household,
            "date_from": date_from,
            "date_to": date_to,
            "made_on": date_format(timezone.localdate(), "j F Y"),
        },
        request=request,
    )
    content = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(household, "pdf")}"'
    return response
