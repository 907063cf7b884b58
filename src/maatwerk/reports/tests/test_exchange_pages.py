"""The exchange pages: upload → background task (the real worker) → progress and
problems in Dutch; the streamed export; who may (docs/exchange.md#the-pages)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from maatwerk.audit.models import AccessLogEntry, Action
from maatwerk.cases.models import Case
from maatwerk.reports.models import Job

from .exchange_data import example, line, records

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coordinator(make_user, teams):
    return make_user("coordinator", teams=[teams[0]])


def upload(client, team, lines: list[str], **extra):
    body = ("\n".join(lines) + "\n").encode("utf-8")
    return client.post(
        reverse("reports:exchange"),
        {"file": SimpleUploadedFile("cases.jsonl", body), "team": team.pk, **extra},
    )


def work():
    call_command("db_worker", batch=True, no_startup_delay=True)


def test_upload_runs_in_the_worker_and_shows_the_result(client, login, coordinator, teams):
    login(coordinator)
    assert client.get(reverse("reports:exchange")).status_code == 200
    response = upload(client, teams[0], [line(example()), *map(line, records(3))])
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:exchange_job", args=[job.pk])
    page = client.get(response["Location"])
    assert "job-progress.js" in page.content.decode()  # polls while it waits
    assert json.loads(client.get(response["Location"] + "?format=json").content)["state"] == (
        "queued"
    )
    work()
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.result["imported"] == 4
    assert not job.file  # the upload is not kept
    assert set(Case.objects.values_list("team_id", flat=True)) == {teams[0].pk}
    page = client.get(response["Location"]).content.decode()
    assert "4 casussen geïmporteerd" in page
    assert "job-progress.js" not in page
    assert (
        AccessLogEntry.objects.filter(action=Action.CREATE, object_type="cases.case").count() == 4
    )


def test_bad_lines_are_listed_in_dutch_and_nothing_is_stored(client, login, coordinator, teams):
    login(coordinator)
    bad = example()
    bad["primary_domain"] = "justice"
    upload(client, teams[0], [line(records(1)[0]), line(bad), "{niet json"])
    work()
    job = Job.objects.get()
    assert job.result["refused"] and job.result["bad_lines"] == [2, 3]
    assert not Case.objects.exists()
    page = client.get(reverse("reports:exchange_job", args=[job.pk])).content.decode()
    assert "Er is niets geïmporteerd" in page
    assert 'data-line="2"' in page and "primary_domain" in page
    assert "niet een van de leefgebieden" in page
    assert 'data-line="3"' in page and "geen geldige JSON" in page


def test_skip_invalid_from_the_page(client, login, coordinator, teams):
    login(coordinator)
    upload(client, teams[0], [line(r) for r in records(3)] + ["[]"], skip_invalid="on")
    work()
    assert Job.objects.get().result["imported"] == 3 and Case.objects.count() == 3


def test_only_own_teams_and_own_jobs(client, login, coordinator, teams, make_user):
    login(coordinator)
    response = upload(client, teams[1], [line(example())])
    assert response.status_code == 200 and not Job.objects.exists()  # not a choice
    other = make_user("coordinator", teams=[teams[0]])
    upload(client, teams[0], [line(example())])
    job = Job.objects.get()
    login(other)
    assert client.get(reverse("reports:exchange_job", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("role", ["professional", "analyst", "admin", "decision_maker"])
def test_others_may_not(client, login, make_user, teams, role):
    login(make_user(role, teams=[teams[0]]), verified=True)
    assert client.get(reverse("reports:exchange")).status_code == 403
    assert client.get(reverse("reports:exchange_export")).status_code == 403


def test_export_is_streamed_and_logged(client, login, coordinator, teams, tmp_path):
    from maatwerk.reports.exchange.importer import import_file

    from .exchange_data import write

    import_file(write(tmp_path / "a.jsonl", records(12)), team=teams[0])
    import_file(write(tmp_path / "b.jsonl", [example()]), team=teams[1])
    login(coordinator)
    response = client.get(
        reverse("reports:exchange_export"), {"team": teams[0].pk, "date_from": "2023-01-01"}
    )
    assert response.status_code == 200 and response.streaming
    lines = [json.loads(x) for x in b"".join(response.streaming_content).decode().splitlines()]
    assert len(lines) == 12 and {x["ref"] for x in lines} == {r["ref"] for r in records(12)}
    exported = AccessLogEntry.objects.filter(action=Action.EXPORT, actor=coordinator)
    assert exported.count() == 12
    # Another team's cases are not offered.
    response = client.get(reverse("reports:exchange_export"), {"team": teams[1].pk})
    assert response.status_code == 400
