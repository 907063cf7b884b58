"""The production shape on one machine: two app processes (gunicorn) and two schedulers
against one PostgreSQL, and the scheduled work still happens exactly once
(docs/adr/0009-task-mechanism.md, docs/scheduler.md).

The threaded test in journeys/tests/test_jobs.py proves the same inside one process;
this one starts real processes, each with its own Django, its own connections and its
own clock, as N servers would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from maatwerk.journeys.models import Request
from maatwerk.notices.models import Notice
from maatwerk.testing.cases import make_case
from maatwerk.testing.factories import EscalationStepFactory, OrganisationFactory, TeamFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BIN = Path(sys.executable).parent
CASES = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def child_env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        DEBUG="true",
        DATABASE_URL=database_url(),
        MAATWERK_VAR_DIR=str(tmp_path / "var"),
        MAATWERK_SCHEDULER_INTERVAL_SECONDS="1",
        # The same keys as this process: a row one process encrypts, the other reads.
        MAATWERK_FIELD_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        EMAIL_HOST="",  # the console backend: every e-mail lands in the process's output
        PYTHONUNBUFFERED="1",
    )
    return env


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


def test_two_app_processes_and_two_schedulers_do_each_notice_once(make_user, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs one database shared by several processes (PostgreSQL)")
    team = TeamFactory()
    owner = make_user("professional", teams=[team], email="owner@example.org")
    uwv = OrganisationFactory(name="UWV", response_target_days=10)
    EscalationStepFactory(organisation=uwv, level=1, contact__email="contact@uwv.example.org")
    long_ago = timezone.localdate() - timedelta(days=40)
    Request.objects.bulk_create(
        Request(
            case=make_case(team, owner),
            reference="R1",
            organisation=uwv,
            subject="x",
            state=Request.State.WAITING,
            first_submitted_on=long_ago,
            due_on=long_ago + timedelta(days=14),
            created_by=owner,
        )
        for _ in range(CASES)
    )
    env = child_env(tmp_path)
    ports = [free_port(), free_port()]
    logs = {}
    processes = []

    def start(name, *args):
        logs[name] = tmp_path / f"{name}.log"
        out = logs[name].open("w")
        processes.append(
            subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
        )

    try:
        for i, port in enumerate(ports):
            start(
                f"app{i}",
                BIN / "gunicorn",
                "--workers=1",
                f"--bind=127.0.0.1:{port}",
                "maatwerk.conf.wsgi:application",
            )
        for i in range(2):
            start(f"scheduler{i}", BIN / "maatwerk", "scheduler")
        # Every notice is done (one Notice row per overdue request, for the owner)…
        assert wait_for(
            lambda: Notice.objects.filter(kind="overdue").count() >= CASES, timeout=120
        ), "the schedulers did not send the notices:\n" + "\n".join(
            path.read_text()[-2000:] for path in logs.values()
        )
        # …and both schedulers go on running (a second and third round) while the app
        # processes answer pages.
        time.sleep(4)
        assert all(answers(port) for port in ports)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # pragma: no cover - reported by the assert
                process.kill()
    outputs = {name: path.read_text() for name, path in logs.items()}
    assert all(process.returncode == 0 for process in processes[2:]), outputs
    # Both schedulers ran (each logged at least one round)…
    assert all("Due jobs ran" in outputs[f"scheduler{i}"] for i in range(2)), outputs
    # …and the e-mails went out once: to the owner and to the level-1 contact, per request.
    subjects = sum(outputs[f"scheduler{i}"].count("\nSubject: ") for i in range(2))
    assert subjects == 2 * CASES
    assert Notice.objects.filter(kind="overdue").count() == CASES
    assert Notice.objects.values("object_id").distinct().count() == CASES
