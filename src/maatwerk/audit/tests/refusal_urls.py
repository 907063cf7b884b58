"""A URL configuration for the refusal tests: views that raise ``Refused`` after some
work of their own, as the pages of one case do."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import path

from maatwerk.audit.access import Refused, permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access


def _work_then_refuse(request, pk):
    # Work the refusal must not keep: a row written before the refusal.
    log_access(
        action=Action.READ,
        processing_activity=ProcessingActivity.CASE_WORK,
        request=request,
        detail="work before the refusal",
    )
    raise Refused(object_type="cases.case", object_id=pk, household="HH-4821")


def refused_in_atomic(request, pk):
    with transaction.atomic():
        _work_then_refuse(request, pk)
    return HttpResponse("not reached")


def refused_plain(request, pk):
    _work_then_refuse(request, pk)


@permission_required(
    "cases.view_case",
    hide=lambda kwargs: Refused(
        object_type="cases.case", object_id=kwargs["pk"], household="HH-4821"
    ),
)
def hidden_view(request, pk):
    return HttpResponse("shown")


urlpatterns = [
    path("atomic/<int:pk>/", refused_in_atomic),
    path("plain/<int:pk>/", refused_plain),
    path("hidden/<int:pk>/", hidden_view),
]
