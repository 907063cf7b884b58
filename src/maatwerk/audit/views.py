from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import render

from maatwerk.audit.access import permission_required

from . import exports
from .forms import LogExportForm, LogSearchForm
from .labels import readable
from .models import AccessLogEntry, Action, ProcessingActivity
from .selectors import log_search
from .services import log_access

PAGE_SIZE = 50
EXPORT_FILTERS = ("household", "date_from", "date_to")


def _page(request, form, *, rows=None, page=None):
    query = request.GET.copy()
    query.pop("page", None)
    export_query = ""
    if page is not None and form.cleaned_data.get("household"):
        export_query = urlencode(
            {k: form.cleaned_data[k] for k in EXPORT_FILTERS if form.cleaned_data.get(k)}
        )
    return render(
        request,
        "audit/log_search.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "export_query": export_query,
        },
    )


@permission_required("audit.view_accesslogentry", require_verified=True)
def log_search_view(request):
    form = LogSearchForm(request.GET)
    page = rows = None
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
        with transaction.atomic():
            entries = log_search(**filters)
            page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
            # Read the rows now: the log row for this search must not shift the page.
            page.object_list = list(page.object_list)
            rows = readable(page.object_list)
            log_access(
                action=Action.SEARCH,
                processing_activity=ProcessingActivity.AUDIT_SUPERVISION,
                request=request,
                object_type=AccessLogEntry._meta.label_lower,
                household=filters.get("household", ""),
                detail="; ".join(f"{k}={v}" for k, v in sorted(filters.items()))[:500],
            )
    return _page(request, form, rows=rows, page=page)


@permission_required("audit.view_accesslogentry", require_verified=True)
def log_export(request, fmt):
    """One household's accesses, oldest first, as CSV or as the PDF for an inzage
    request; the export is itself logged (``export``, with the household)."""
    if fmt not in ("csv", "pdf"):
        raise Http404
    form = LogExportForm(request.GET)
    if not form.is_valid():
        return _page(request, form)
    filters = {k: form.cleaned_data[k] for k in EXPORT_FILTERS if form.cleaned_data.get(k)}
    household = filters["household"]
    with transaction.atomic():
        # Read first: the export's own row is not part of it.
        rows = readable(log_search(**filters).order_by("id"))
        log_access(
            action=Action.EXPORT,
            processing_activity=ProcessingActivity.AUDIT_SUPERVISION,
            request=request,
            object_type=AccessLogEntry._meta.label_lower,
            household=household,
            detail=(
                f"{fmt}: {len(rows)} entries; "
                + "; ".join(f"{k}={v}" for k, v in sorted(filters.items()))
            )[:500],
        )
    if fmt == "csv":
        return exports.csv_response(rows, household)
    return exports.pdf_response(
        rows,
        household,
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        request=request,
    )
