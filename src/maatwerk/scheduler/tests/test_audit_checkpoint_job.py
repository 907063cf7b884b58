"""The scheduler anchors the access log: one signed checkpoint per run with new rows."""

import pytest

from maatwerk.audit.models import Action, Checkpoint, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.audit.verify import verify_log
from maatwerk.scheduler.jobs import DUE_JOBS, run_due_jobs

pytestmark = pytest.mark.django_db


def write():
    log_access(
        action=Action.READ, processing_activity=ProcessingActivity.CASE_WORK, actor_username="t"
    )


def test_the_checkpoint_is_the_last_due_job():
    assert DUE_JOBS[-1][0] == "access-log checkpoint"


def test_two_runs_without_new_rows_write_one_checkpoint():
    write()
    assert run_due_jobs()["audit_checkpoints"] == 1
    assert run_due_jobs()["audit_checkpoints"] == 0
    assert Checkpoint.objects.count() == 1
    write()
    assert run_due_jobs()["audit_checkpoints"] == 1
    report = verify_log()
    assert report.intact and report.checkpoints == 2 and report.since_latest == 0
