"""Reading an uploaded file of signals (CSV or XLSX) into rows, and checking them.

The column layout is documented in docs/early-signals.md ("The column layout") and
offered as a template (``template_csv``, ``template_xlsx``). What can be wrong is
reported, never guessed:

- the file: not CSV or XLSX, not UTF-8 (a CSV saved as "ANSI"/Windows-1252), a
  delimiter other than ``;`` or ``,`` (or none that makes the header fit), required
  columns missing, unknown columns, no rows, too many rows;
- each row: every field's problem, with the row number (as the spreadsheet shows it:
  the header is row 1) and the column (``rows.validate_row``), and a reference that
  occurs twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .rows import FIELD_NAMES, FIELDS, REQUIRED, SignalRow, validate_row

MAX_ROWS = 200_000
MAX_PROBLEMS_KEPT = 1000
DELIMITERS = (";", ",", "\t")
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file as a whole
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Checked:
    """The outcome of reading and checking one file."""

    rows: list[SignalRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    row_count: int = 0
    bad_rows: int = 0

    @property
    def file_refused(self) -> bool:
        return any(problem.row is None for problem in self.problems)


def _header_name(value) -> str:
    return "_".join(str(value or "").strip().casefold().split())


def _check_header(header: list[str]) -> list[Problem]:
    problems = []
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        problems.append(
            Problem(
                None,
                ", ".join(missing),
                _("Missing columns: %(columns)s. Use the template's header.")
                % {"columns": ", ".join(missing)},
            )
        )
    unknown = [name for name in header if name and name not in FIELD_NAMES]
    if unknown:
        problems.append(
            Problem(
                None,
                ", ".join(unknown)[:100],
                _("Unknown columns: %(columns)s. Use the template's header.")
                % {"columns": ", ".join(unknown)[:200]},
            )
        )
    doubles = sorted({name for name in header if name and header.count(name) > 1})
    if doubles:
        problems.append(
            Problem(
                None,
                ", ".join(doubles),
                _("Columns given twice: %(columns)s.") % {"columns": ", ".join(doubles)},
            )
        )
    return problems


def _read_csv(data: bytes) -> tuple[list[str], list[list], list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return (
            [],
            [],
            [
                Problem(
                    None,
                    "",
                    _(
                        'The file is not in UTF-8. Save it as "CSV UTF-8" (in Excel: '
                        "Save as, CSV UTF-8 (comma delimited)) and upload it again."
                    ),
                )
            ],
        )
    first_line = text.split("\n", 1)[0]
    delimiter = None
    for candidate in DELIMITERS:
        header = [_header_name(cell) for cell in first_line.rstrip("\r").split(candidate)]
        if all(name in header for name in REQUIRED):
            delimiter = candidate
            break
    if delimiter is None:
        # The header does not fit with any delimiter: say which one we saw.
        counts = {candidate: first_line.count(candidate) for candidate in DELIMITERS}
        seen = max(counts, key=counts.get)
        if counts[seen] == 0:
            for odd in ("|", ":"):
                if first_line.count(odd):
                    return (
                        [],
                        [],
                        [
                            Problem(
                                None,
                                "",
                                _(
                                    "Columns are separated by %(found)s; use a semicolon (;) "
                                    "or a comma (,)."
                                )
                                % {"found": odd},
                            )
                        ],
                    )
        delimiter = seen if counts[seen] else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as error:
        return [], [], [Problem(None, "", _("The file cannot be read as CSV: %s") % error)]
    if not lines:
        return [], [], []
    return [_header_name(cell) for cell in lines[0]], lines[1:], []


def _read_xlsx(data: bytes) -> tuple[list[str], list[list], list[Problem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return [], [], [Problem(None, "", _("The file cannot be read as an Excel file (XLSX)."))]
    try:
        sheet = workbook.worksheets[0]
        lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not lines:
        return [], [], []
    return [_header_name(cell) for cell in lines[0]], lines[1:], []


def check_file(data: bytes, *, today: dt.date | None = None) -> Checked:
    """Read and check an uploaded file (CSV or XLSX, told apart by content)."""
    checked = Checked()
    if data.startswith(XLSX_MAGIC):
        header, lines, problems = _read_xlsx(data)
    else:
        header, lines, problems = _read_csv(data)
    if problems:
        checked.problems = problems
        return checked
    if not header:
        checked.problems = [Problem(None, "", _("The file is empty."))]
        return checked
    checked.problems = _check_header(header)
    if checked.problems:
        return checked
    lines = [line for line in lines if any(cell not in (None, "") for cell in line)]
    if not lines:
        checked.problems = [Problem(None, "", _("The file has a header but no signals."))]
        return checked
    if len(lines) > MAX_ROWS:
        checked.problems = [
            Problem(
                None,
                "",
                _("At most %(max)s signals per file; split the file.") % {"max": MAX_ROWS},
            )
        ]
        return checked
    checked.row_count = len(lines)
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=2):
        if len(line) > len(header) and any(cell not in (None, "") for cell in line[len(header) :]):
            checked.problems.append(
                Problem(number, "", _("This row has more cells than the header has columns."))
            )
            checked.bad_rows += 1
            continue
        raw = dict(zip(header, line, strict=False))
        row, errors = validate_row(raw, today=today)
        if row is not None and row.creditor_reference in seen:
            errors = {
                "referentie": _("The reference %(reference)s is also in row %(row)s.")
                % {"reference": row.creditor_reference, "row": seen[row.creditor_reference]}
            }
            row = None
        if errors:
            checked.bad_rows += 1
            checked.problems.extend(
                Problem(number, column, message) for column, message in errors.items()
            )
            continue
        seen[row.creditor_reference] = number
        checked.rows.append(row)
    return checked


# --- The template -------------------------------------------------------------------

EXAMPLE = {
    "referentie": "HUUR-2027-000123",
    "type": "rent",
    "achternaam": "Jansen",
    "tussenvoegsel": "de",
    "voornamen": "Anna",
    "geboortedatum": "1984-07-12",
    "straat": "Voorbeeldstraat",
    "huisnummer": "12",
    "toevoeging": "A",
    "postcode": "1234 AB",
    "woonplaats": "Voorbeeldstad",
    "telefoon": "06 12345678",
    "email": "",
    "bedrag": "845,50",
    "maanden_achterstand": "1",
    "signaaldatum": "2027-03-01",
}


def template_csv() -> bytes:
    """The header and one fictional example row, semicolon-separated, UTF-8 with BOM
    (so Excel opens it with the right characters)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([name for name, _required in FIELDS])
    writer.writerow([EXAMPLE[name] for name, _required in FIELDS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "signalen"
    sheet.append([name for name, _required in FIELDS])
    sheet.append([EXAMPLE[name] for name, _required in FIELDS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
