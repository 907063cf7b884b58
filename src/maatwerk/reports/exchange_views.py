"""The exchange pages: upload a ``maatwerk-case/1`` file (imported by a background
task, with its progress), see the problems per line and field, download an export
(streamed). For users with ``reports.exchange_cases``, for their own teams only."""

from django.db import transaction
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from maatwerk.audit.access import permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access

from .exchange.exporter import cases_for
from .exchange.services import export_stream
from .exchange.tasks import run_import
from .exchange.validate import Problem
from .exchange_forms import ExportForm, ImportForm
from .models import Job

PERMISSION = "reports.exchange_cases"
# Problems shown on the job page (all are counted).
SHOWN_PROBLEMS = 500


def _recent(user):
    return Job.objects.filter(created_by=user, kind=Job.Kind.IMPORT).select_related("team")[:10]


@permission_required(PERMISSION)
def exchange(request):
    import_form = ImportForm(user=request.user)
    export_form = ExportForm(user=request.user)
    if request.method == "POST":
        import_form = ImportForm(request.POST, request.FILES, user=request.user)
        if import_form.is_valid():
            data = import_form.cleaned_data
            with transaction.atomic():
                job = Job(
                    kind=Job.Kind.IMPORT,
                    created_by=request.user,
                    team=data["team"],
                    parameters={"skip_invalid": data["skip_invalid"], "format": "maatwerk-case/1"},
                    phase="queued",
                )
                job.file.save("import.jsonl", data["file"], save=False)
                job.save()
                log_access(
                    action=Action.CREATE,
                    processing_activity=ProcessingActivity.CASE_WORK,
                    request=request,
                    obj=job,
                    detail=f"import of maatwerk-case/1 for team {data['team'].pk} started",
                )
                result = run_import.enqueue(job.pk)
                Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
            return redirect("reports:exchange_job", pk=job.pk)
    return render(
        request,
        "reports/exchange.html",
        {"import_form": import_form, "export_form": export_form, "jobs": _recent(request.user)},
    )


def _job_state(job: Job) -> dict:
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "phase": job.phase,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.state in (Job.State.DONE, Job.State.FAILED),
    }


@permission_required(PERMISSION)
def job(request, pk):
    job = Job.objects.filter(pk=pk, created_by=request.user, kind=Job.Kind.IMPORT).first()
    if job is None:
        raise Http404
    if request.GET.get("format") == "json":
        return JsonResponse(_job_state(job))
    result = job.result or {}
    problems = [Problem.from_dict(p) for p in result.get("problems", [])[:SHOWN_PROBLEMS]]
    return render(
        request,
        "reports/exchange_job.html",
        {
            "job": job,
            "state": _job_state(job),
            "result": result,
            "problems": [(p, p.text()) for p in problems],
            "more_problems": max(0, result.get("problem_count", 0) - len(problems)),
        },
    )


@permission_required(PERMISSION)
def export(request):
    form = ExportForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "reports/exchange.html",
            {"import_form": ImportForm(user=request.user), "export_form": form,
             "jobs": _recent(request.user)},
            status=400,
        )  # fmt: skip
    data = form.cleaned_data
    team = data["team"]
    cases = cases_for(date_from=data["date_from"], date_to=data["date_to"], team=team)
    detail = f"team {team.pk} from {data['date_from'] or '-'} to {data['date_to'] or '-'}"
    response = StreamingHttpResponse(
        export_stream(cases, request=request, detail=detail),
        content_type="application/jsonl; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="maatwerk-cases-{stamp}.jsonl"'
    response["Cache-Control"] = "no-store"
    return response
