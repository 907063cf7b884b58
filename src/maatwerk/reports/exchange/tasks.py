"""The import a user starts on the page, as a django-tasks task (ADR 0009): the worker
(``maatwerk db_worker``) runs it and keeps the ``reports.Job`` row's progress up to
date for the page that polls it."""

import logging
import time

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django_tasks import task

from maatwerk.reports.models import Job

from .importer import import_file

log = logging.getLogger(__name__)

# The Job row is written at most this often (seconds) while the import runs.
PROGRESS_EVERY = 1.0


class _JobProgress:
    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last = 0.0
        self.side = None

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        if not transaction.get_connection().in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(phase=phase, done=done, total=total)
            return
        # The storing phase is one transaction, whose writes the page cannot see until
        # it commits: on PostgreSQL the progress goes through a second connection
        # (autocommit). SQLite has one writer at a time, so there the page shows the
        # validation's progress and then the end.
        if connection.vendor != "postgresql":
            return
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        with self.side.cursor() as cursor:
            cursor.execute(
                "UPDATE reports_job SET phase = %s, done = %s, total = %s WHERE id = %s",
                [phase, done, total, self.job_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


@task()
def run_import(job_id: int) -> None:
    job = Job.objects.select_related("team", "created_by").get(pk=job_id)
    if job.state != Job.State.QUEUED:
        return  # run once: a second delivery of the same task does nothing
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    progress = _JobProgress(job.pk)
    try:
        result = import_file(
            job.file.path,
            team=job.team,
            skip_invalid=bool(job.parameters.get("skip_invalid")),
            actor=job.created_by,
            progress=progress,
        )
    except Exception:
        log.exception("import job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED, finished_at=timezone.now(), result={"error": "failed"}
        )
        raise
    finally:
        progress.close()
        # The uploaded file is case data: it is not kept once it has been read.
        if job.file:
            job.file.delete(save=False)
            Job.objects.filter(pk=job.pk).update(file="")
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.DONE,
        finished_at=timezone.now(),
        result=result.as_dict(),
        phase="done",
        done=result.imported,
        total=result.valid,
    )
