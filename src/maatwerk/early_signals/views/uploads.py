"""Uploading a file of signals, its outcome, and the template.

The upload page stores the file privately and enqueues ``tasks.process_upload`` (an
import is work a user starts: a django-tasks task, never work inside the request). The
upload's page shows its status and, when the file has problems, each problem with its
row and column; nothing was stored then, unless "valid rows only" was chosen.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maatwerk.audit.access import Refused, permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.numbers import parse_id

from .. import tasks, uploads
from ..forms import UploadForm
from ..models import Upload
from ..rows import FIELDS, TYPE_ALIASES
from ..selectors import visible_uploads

INTAKE = "early_signals.intake_signal"
SHOWN_PROBLEMS = 200


@permission_required(INTAKE)
def upload_create(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        with transaction.atomic():
            upload = Upload(
                creditor=form.cleaned_data["creditor"],
                team=form.cleaned_data["team"],
                uploaded_by=request.user,
                file_name=upload_file.name[:200],
                valid_only=form.cleaned_data["valid_only"],
            )
            upload.file.save("signals", upload_file, save=False)
            upload.save()
            log_access(
                action=Action.CREATE,
                processing_activity=ProcessingActivity.EARLY_SIGNALS,
                request=request,
                obj=upload,
                detail=f"upload of signals from {upload.creditor}: {upload.file_name}"[:500],
            )
            transaction.on_commit(lambda: tasks.process_upload.enqueue(upload.pk))
        messages.success(request, _("The file has been received and is being checked."))
        return redirect("early_signals:upload_detail", pk=upload.pk)
    recent = list(visible_uploads(request.user)[:20])
    return render(
        request,
        "early_signals/upload_form.html",
        {
            "form": form,
            "recent": recent,
            "fields": FIELDS,
            "type_aliases": sorted(TYPE_ALIASES),
        },
    )


@permission_required(INTAKE, hide=lambda kwargs: Refused(object_type="early_signals.upload"))
def upload_detail(request, pk):
    upload = visible_uploads(request.user).filter(pk=parse_id(pk)).first()
    if upload is None:
        raise Refused(
            object_type="early_signals.upload",
            object_id=pk,
            processing_activity=ProcessingActivity.EARLY_SIGNALS,
        )
    return render(
        request,
        "early_signals/upload_detail.html",
        {
            "upload": upload,
            "problems": upload.problems[:SHOWN_PROBLEMS],
            "more_problems": max(0, upload.problem_count - SHOWN_PROBLEMS),
            "waiting": upload.status == Upload.Status.QUEUED,
        },
    )


@permission_required(INTAKE)
def template_download(request, kind):
    if kind == "xlsx":
        response = HttpResponse(
            uploads.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="signalen-sjabloon.xlsx"'
        return response
    response = HttpResponse(uploads.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="signalen-sjabloon.csv"'
    return response
