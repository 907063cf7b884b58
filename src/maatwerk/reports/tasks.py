"""The report as background work: a ``reports.Job`` of kind ``report`` that the worker
(``maatwerk db_worker``, django-tasks; ADR 0009) fills.

``start_report_job`` records what was asked (period, team, threshold, format,
language: never case content) and enqueues ``run_report_job``; the worker computes
the report object (``reading.compute_report``), keeps it as the job's result, renders
the file (PDF, XLSX, CSV, JSON or HTML) into private storage, and moves the job through
its phases so the job page can show how far it is. Only the user who started a job
may see it and download its file (``reading.job_for``); every download is an
``export`` in the access log (views.job_file).
"""

from __future__ import annotations

import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from . import formats, reading
from .models import Job

logger = logging.getLogger(__name__)

# The job's formats: a file to download, or "page" (the report shown on the job page).
JOB_FORMATS = ("page", *formats.FORMATS)
PHASES = ("computing", "rendering", "storing")


def start_report_job(
    user, *, date_from: date, date_to: date, team, min_cell: int, fmt: str, language: str
) -> Job:
    if fmt not in JOB_FORMATS:
        raise ValueError(f"unknown report format: {fmt!r}")
    with transaction.atomic():
        job = Job.objects.create(
            kind=Job.Kind.REPORT,
            created_by=user,
            team=team,
            parameters={
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "team": team.pk if team is not None else None,
                "min_cell": min_cell,
                "format": fmt,
                "language": language,
            },
            total=len(PHASES),
        )
        result = run_report_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
        job.task_id = str(result.id)[:64]
    return job


def _phase(job: Job, phase: str, done: int) -> None:
    job.phase, job.done = phase, done
    Job.objects.filter(pk=job.pk).update(phase=phase, done=done)


def file_name(job: Job) -> str:
    params = job.parameters
    return f"systeemleren-{params['from']}-{params['to']}.{params['format']}"


@task()
def run_report_job(job_id: int) -> None:
    job = Job.objects.select_related("team").filter(pk=job_id).first()
    if job is None or job.state not in (Job.State.QUEUED, Job.State.RUNNING):
        return  # gone, or done already: a task run twice does its work once
    params = job.parameters
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    try:
        with translation.override(params.get("language") or "nl"):
            _phase(job, PHASES[0], 0)
            report = reading.compute_report(
                date.fromisoformat(params["from"]),
                date.fromisoformat(params["to"]),
                team=job.team,
                min_cell=int(params["min_cell"]),
            )
            _phase(job, PHASES[1], 1)
            fmt = params["format"]
            content = None if fmt == "page" else formats.render(report, fmt)
            _phase(job, PHASES[2], 2)
            with transaction.atomic():
                job.result = report
                if content is not None:
                    data = content.encode("utf-8") if isinstance(content, str) else content
                    job.file.save(file_name(job), ContentFile(data), save=False)
                job.state = Job.State.DONE
                job.done = len(PHASES)
                job.phase = ""
                job.finished_at = timezone.now()
                job.save(update_fields=["result", "file", "state", "done", "phase", "finished_at"])
    except Exception:
        # The reason goes to the server log; the job row says only that it failed
        # (a traceback could hold data).
        logger.exception("report job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.FAILED, finished_at=timezone.now(), result={"error": "failed"}
        )
