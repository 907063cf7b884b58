"""The report page (``/reports/``) and the report jobs: the report as a policy maker
reads and circulates it (docs/report-page.md).

Access: ``reports.view_report`` (coordinator, analyst); the team list follows
``reading.reportable_teams``; a threshold below the default needs
``reports.lower_threshold`` (granted to no role). A job and its file are only for the
user who started it (``reading.job_for``: a 404, logged, for anyone else).

The rule for long work: the page computes the report in the request only up to
``reading.INLINE_MAX_CASES`` cases in the period; a bigger report, and every file
(PDF, XLSX, CSV, JSON, HTML), is made by the worker as a ``reports.Job``.

Logged: every report shown (``read``), every job started (``create``), every file
downloaded (``export``); with a lowered threshold the detail says so.
"""

from __future__ import annotations

import os

from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access

from . import formats, reading, tasks
from .models import Job
from .report_forms import JobForm, ReportForm

REPORT = "reports.view_report"


def _detail(data: dict, *, default: int, fmt: str = "") -> str:
    team = data.get("team")
    parts = [
        f"{data['date_from'].isoformat()}..{data['date_to'].isoformat()}",
        f"team {team.pk if team is not None else 'all'}",
        f"min_cell {data['min_cell']}",
    ]
    if fmt:
        parts.append(f"format {fmt}")
    if data["min_cell"] < default:
        parts.append(f"threshold lowered from {default} to {data['min_cell']}")
    return ", ".join(parts)


def _log(request, action, *, detail: str, obj=None, object_type: str = "reports.report"):
    log_access(
        action=action,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        obj=obj,
        object_type=object_type if obj is None else "",
        detail=detail,
    )


@permission_required(REPORT)
def report(request):
    asked = bool(request.GET)
    form = ReportForm(request.GET or None, user=request.user)
    context = {"form": form, "jobs": reading.report_jobs(request.user)}
    if asked and form.is_valid():
        data = form.cleaned_data
        size = reading.cases_in_period(data["date_from"], data["date_to"], team=data["team"])
        context["query"] = request.GET.urlencode()
        context["size"] = size
        context["job_form"] = JobForm(
            initial={**request.GET.dict(), "format": "pdf"}, user=request.user
        )
        if size > reading.INLINE_MAX_CASES:
            context["too_big"] = True
        else:
            built = reading.compute_report(
                data["date_from"], data["date_to"], team=data["team"], min_cell=data["min_cell"]
            )
            context.update(formats.report_context(built))
            with transaction.atomic():
                _log(request, Action.READ, detail=_detail(data, default=form.default_threshold))
    return render(request, "reports/report_page.html", context)


@require_POST
@permission_required(REPORT)
def job_start(request):
    form = JobForm(request.POST, user=request.user)
    if not form.is_valid():
        context = {"form": form, "job_form": form, "jobs": reading.report_jobs(request.user)}
        return render(request, "reports/report_page.html", context, status=400)
    data = form.cleaned_data
    with transaction.atomic():
        job = tasks.start_report_job(
            request.user,
            date_from=data["date_from"],
            date_to=data["date_to"],
            team=data["team"],
            min_cell=data["min_cell"],
            fmt=data["format"],
            language=get_language() or "nl",
        )
        _log(
            request,
            Action.CREATE,
            obj=job,
            detail=_detail(data, default=form.default_threshold, fmt=data["format"]),
        )
    return redirect("reports:job_detail", pk=job.pk)


@permission_required(REPORT, hide=True)
def job_detail(request, pk):
    job = reading.job_for(request.user, pk)
    if job.kind != Job.Kind.REPORT:
        raise Http404
    context = {
        "job": job,
        "working": job.state in (Job.State.QUEUED, Job.State.RUNNING),
        "phase_label": _phase_label(job.phase),
        "file_url": reverse("reports:job_file", args=[job.pk]) if job.file else "",
    }
    if job.state == Job.State.DONE and isinstance(job.result, dict) and "format" in job.result:
        context.update(formats.report_context(job.result))
        with transaction.atomic():
            _log(request, Action.READ, obj=job, detail=_job_detail(job))
    return render(request, "reports/job_detail.html", context)


@permission_required(REPORT, hide=True)
def job_file(request, pk):
    """The job's file, for the user who started it; logged as an export."""
    job = reading.job_for(request.user, pk)
    if job.state != Job.State.DONE or not job.file:
        raise Http404
    handle = job.file.open("rb")
    fmt = (job.parameters or {}).get("format", "")
    with transaction.atomic():
        _log(request, Action.EXPORT, obj=job, detail=_job_detail(job))
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=tasks.file_name(job)
        if job.kind == Job.Kind.REPORT
        else os.path.basename(job.file.name),
        content_type=formats.CONTENT_TYPES.get(fmt, "application/octet-stream"),
    )
    return response


def _job_detail(job: Job) -> str:
    params = job.parameters or {}
    parts = [
        f"{job.kind}",
        f"{params.get('from')}..{params.get('to')}",
        f"team {params.get('team') or 'all'}",
        f"min_cell {params.get('min_cell')}",
        f"format {params.get('format')}",
    ]
    default = reading.default_threshold()
    if isinstance(params.get("min_cell"), int) and params["min_cell"] < default:
        parts.append(f"threshold lowered from {default} to {params['min_cell']}")
    return ", ".join(parts)


def _phase_label(phase: str) -> str:
    return {
        "computing": _("computing the figures"),
        "rendering": _("making the file"),
        "storing": _("storing the file"),
    }.get(phase, "")
