from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import render

from maatwerk.audit.access import permission_required

from .forms import LogSearchForm
from .models import AccessLogEntry, Action, ProcessingActivity
from .selectors import log_search
from .services import log_access

PAGE_SIZE = 50


@permission_required("audit.view_accesslogentry", require_verified=True)
def log_search_view(request):
    form = LogSearchForm(request.GET)
    page = None
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        with transaction.atomic():
            entries = log_search(**filters)
            page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
            # Read the rows now: the log row for this search must not shift the page.
            page.object_list = list(page.object_list)
            log_access(
                action=Action.SEARCH,
                processing_activity=ProcessingActivity.AUDIT_SUPERVISION,
                request=request,
                object_type=AccessLogEntry._meta.label_lower,
                household=filters.get("household", ""),
                detail="; ".join(f"{k}={v}" for k, v in sorted(filters.items()))[:500],
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log_search.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
