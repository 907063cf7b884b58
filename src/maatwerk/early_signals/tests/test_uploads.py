"""Uploading a file of signals: every problem reported with its row and column, in
Dutch; nothing stored until the file is clean (or the valid rows only, on request)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook, load_workbook

from maatwerk.audit.models import AccessLogEntry
from maatwerk.early_signals import uploads
from maatwerk.early_signals.models import Signal, Upload
from maatwerk.early_signals.rows import FIELD_NAMES

from .conftest import TODAY, raw_row

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def csv_bytes(rows, *, delimiter=";", header=None, encoding="utf-8"):
    header = header or FIELD_NAMES
    lines = [delimiter.join(header)]
    for row in rows:
        lines.append(delimiter.join(str(row.get(name, "")) for name in header))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def check(data):
    with translation.override("nl"):
        return uploads.check_file(data, today=TODAY)


def problems(checked):
    return [(p.row, p.column) for p in checked.problems]


def test_a_clean_file_gives_its_rows():
    checked = check(csv_bytes([raw_row(), raw_row(referentie="R-2", huisnummer="14")]))
    assert checked.problems == [] and len(checked.rows) == 2 and checked.row_count == 2


def test_a_comma_separated_file_is_read_too():
    checked = check(csv_bytes([raw_row(bedrag="850.00")], delimiter=","))
    assert checked.problems == [] and checked.rows[0].amount == 850


def test_bad_rows_are_reported_by_row_and_column_in_dutch():
    checked = check(
        csv_bytes(
            [
                raw_row(),
                raw_row(referentie="R-2", postcode="123 AB"),
                raw_row(referentie="R-3", bedrag="-10,00"),
                raw_row(referentie="R-4", type="huurtje"),
                raw_row(referentie="R-5", signaaldatum="2027-03-02"),
                raw_row(referentie="R-6", huisnummer="twaalf"),
                raw_row(referentie="R-1"),
            ]
        )
    )
    assert problems(checked) == [
        (3, "postcode"),
        (4, "bedrag"),
        (5, "type"),
        (6, "signaaldatum"),
        (7, "huisnummer"),
        (8, "referentie"),
    ]
    messages = [p.message for p in checked.problems]
    assert "Vul een Nederlandse postcode in" in messages[0]
    assert "negatief" in messages[1]
    assert "huurtje" in messages[2] and "Onbekend type" in messages[2]
    assert "toekomst" in messages[3]
    assert "rij 2" in messages[5]
    assert checked.bad_rows == 6 and len(checked.rows) == 1


def test_every_problem_of_one_row_is_named():
    checked = check(csv_bytes([raw_row(postcode="x", bedrag="-1", achternaam="")]))
    assert sorted(column for _row, column in problems(checked)) == [
        "achternaam",
        "bedrag",
        "postcode",
    ]


def test_missing_and_unknown_columns_refuse_the_file():
    header = [name for name in FIELD_NAMES if name != "postcode"] + ["postcod"]
    checked = check(csv_bytes([raw_row()], header=header))
    assert checked.file_refused
    assert [p.column for p in checked.problems] == ["postcode", "postcod"]
    assert "Ontbrekende kolommen" in checked.problems[0].message


def test_a_file_not_in_utf8_is_refused_with_a_hint():
    data = csv_bytes([raw_row(achternaam="Çelik")], encoding="cp1252")
    checked = check(data)
    assert checked.file_refused and "UTF-8" in checked.problems[0].message


def test_an_odd_delimiter_is_named():
    checked = check(csv_bytes([raw_row()], delimiter="|"))
    assert checked.file_refused and "|" in checked.problems[0].message


def test_a_header_without_rows_is_refused():
    checked = check(csv_bytes([]))
    assert checked.file_refused


def test_an_xlsx_file_with_number_and_date_cells_is_read():
    import datetime as dt

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(FIELD_NAMES)
    values = raw_row()
    values.update(huisnummer=12, bedrag=850.5, signaaldatum=dt.datetime(2027, 2, 20))
    sheet.append([values[name] for name in FIELD_NAMES])
    out = io.BytesIO()
    workbook.save(out)
    checked = check(out.getvalue())
    assert checked.problems == []
    row = checked.rows[0]
    assert row.house_number == "12" and str(row.amount) == "850.50"
    assert row.signal_date == dt.date(2027, 2, 20)


def test_the_templates_are_valid_files_of_the_layout():
    checked = uploads.check_file(uploads.template_csv(), today=TODAY.replace(year=2028))
    assert checked.problems == [] and len(checked.rows) == 1
    sheet = load_workbook(io.BytesIO(uploads.template_xlsx())).active
    assert [cell.value for cell in sheet[1]] == FIELD_NAMES


# --- The pages ----------------------------------------------------------------------


@pytest.fixture
def coordinator(make_user, team):
    return make_user("coordinator", teams=[team])


@pytest.fixture
def post_file(client, django_capture_on_commit_callbacks):
    def post(creditor, team, data, name="signalen.csv", valid_only=False):
        upload = SimpleUploadedFile(name, data, content_type="text/csv")
        form = {"creditor": creditor.pk, "team": team.pk, "file": upload}
        if valid_only:
            form["valid_only"] = "on"
        with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
            return client.post("/signals/upload/", form)

    return post


def test_a_file_with_bad_rows_stores_nothing_and_shows_each_problem(
    client, login, coordinator, creditor, team, post_file
):
    login(coordinator)
    data = csv_bytes(
        [
            raw_row(signaaldatum="2026-12-01"),
            raw_row(referentie="R-2", postcode="12 AB", signaaldatum="2026-12-01"),
            raw_row(referentie="R-3", bedrag="-5", signaaldatum="2026-12-01"),
        ]
    )
    response = post_file(creditor, team, data)
    upload = Upload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/signals/uploads/{upload.pk}/"
    assert upload.status == "rejected" and not Signal.objects.exists()
    assert upload.problem_count == 2 and not upload.file  # the file itself is gone
    page = client.get(response["Location"]).content.decode()
    assert page.count('data-testid="upload-problem"') == 2
    assert "Er is niets opgeslagen" in page or "Nothing has been stored" in page


def test_valid_rows_only_on_request(client, login, coordinator, creditor, team, post_file):
    login(coordinator)
    data = csv_bytes(
        [
            raw_row(signaaldatum="2026-12-01"),
            raw_row(referentie="R-2", postcode="12 AB", signaaldatum="2026-12-01"),
        ]
    )
    post_file(creditor, team, data, valid_only=True)
    upload = Upload.objects.get()
    assert upload.status == "done" and upload.intake.created == 1
    assert Signal.objects.count() == 1


def test_a_clean_file_is_taken_in_and_logged(client, login, coordinator, creditor, team, post_file):
    login(coordinator)
    post_file(creditor, team, csv_bytes([raw_row(signaaldatum="2026-12-01")]))
    assert Upload.objects.get().status == "done" and Signal.objects.count() == 1
    activities = set(AccessLogEntry.objects.values_list("processing_activity", flat=True))
    assert "early_signals" in activities


def test_the_upload_form_refuses_other_files_with_a_field_error(
    client, login, coordinator, creditor, team, post_file
):
    login(coordinator)
    response = post_file(creditor, team, b"%PDF-1.4", name="brief.pdf")
    assert response.status_code == 200 and not Upload.objects.exists()
    assert response.context["form"].errors["file"]


def test_a_team_the_user_is_not_in_is_refused(client, login, make_user, creditor, team, post_file):
    login(make_user("coordinator"))
    response = post_file(creditor, team, csv_bytes([raw_row()]))
    assert response.status_code == 200 and response.context["form"].errors["team"]


def test_the_template_downloads(client, login, coordinator):
    login(coordinator)
    response = client.get("/signals/template.csv")
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbfreferentie;")
    assert client.get("/signals/template.xlsx").status_code == 200


def test_without_the_permission_the_upload_page_is_refused(client, login, make_user):
    login(make_user("professional"))
    assert client.get("/signals/upload/").status_code == 403
