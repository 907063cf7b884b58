"""The base of every API endpoint: the access log as a property of the endpoint
(docs/api.md, "The access log"). Each app's ``api.py`` builds its endpoints on
``AuditedViewSet`` / ``AuditedReadOnlyViewSet`` / ``AuditedAPIView``; a test walks
every route under /api/v1/ and fails on an endpoint that does not.

What is written, per call, after the endpoint has answered (in the request's
transaction, as for pages):
- a list or search of case data: one ``search`` row (the filters and the number of
  hits, never the hits' content) — ``audit_search``;
- one object of case data: one ``read`` row with its household — ``audit_read``;
- a change: the services write their own ``create``/``update`` rows, and the endpoint
  says so with ``audited()``;
- a refusal (403, 404) of a caller who is logged in: ``permission_denied``;
- an endpoint that forgets all of this still writes a row: the method's action on
  ``audit_object_type`` with the path. Nothing goes unlogged by forgetting.

Endpoints whose data is not case data (the Maatwerkregister: organisations and their
contact persons; the register's pages are not logged either) say so with
``personal_data = False``; they still log refusals.

Audit is the bottom layer: it imports Django REST framework, never an app above it.
"""

from __future__ import annotations

from rest_framework import generics, mixins, viewsets
from rest_framework.response import Response

from .models import Action, ProcessingActivity, Result
from .services import log_access, log_access_many

METHOD_ACTIONS = {
    "GET": Action.READ,
    "HEAD": Action.READ,
    "POST": Action.CREATE,
    "PUT": Action.UPDATE,
    "PATCH": Action.UPDATE,
    "DELETE": Action.DELETE,
}


class AuditedMixin:
    audit_object_type: str = ""
    audit_activity: str = ProcessingActivity.CASE_WORK
    # False only for endpoints that show no case data (the register).
    personal_data: bool = True

    def initial(self, request, *args, **kwargs):
        self._audit_rows: list[dict] = []
        self._audit_done = False
        super().initial(request, *args, **kwargs)

    # --- what an endpoint records ----------------------------------------------------
    def audit(
        self,
        *,
        action,
        obj=None,
        household: str = "",
        detail: str = "",
        object_type: str = "",
        result=Result.SUCCESS,
    ):
        row = {
            "action": action,
            "processing_activity": self.audit_activity,
            "request": self.request._request,
            "actor": self.request.user,
            "result": result,
            "household": household,
            "detail": f"API {self.request.method} {self.request.path}: {detail}"[:500]
            if detail
            else f"API {self.request.method} {self.request.path}"[:500],
        }
        if obj is not None:
            row["obj"] = obj
        else:
            row["object_type"] = object_type or self.audit_object_type
        self._audit_rows.append(row)

    def audit_read(self, obj, *, household: str = "", detail: str = ""):
        self.audit(action=Action.READ, obj=obj, household=household, detail=detail)

    def audit_search(self, *, hits: int, detail: str = ""):
        text = f"{detail}; {hits} hits" if detail else f"{hits} hits"
        self.audit(action=Action.SEARCH, detail=text)

    def audited(self):
        """The services of this call wrote their own rows (a change)."""
        self._audit_done = True

    # --- writing it --------------------------------------------------------------------
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        rows = getattr(self, "_audit_rows", None)
        if rows is None:  # refused before ``initial`` ran (a malformed request)
            return response
        user = request.user
        status = response.status_code
        if status in (403, 404) and user is not None and user.is_authenticated:
            object_id = (
                kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
                if hasattr(self, "lookup_field")
                else ""
            )
            log_access(
                action=Action.PERMISSION_DENIED,
                processing_activity=self.audit_activity,
                request=request._request,
                actor=user,
                result=Result.DENIED,
                object_type=self.audit_object_type or "page",
                object_id=str(object_id)[:100],
                detail=f"API {request.method} {request.path}"[:500],
            )
        elif status < 400:
            if rows:
                log_access_many(rows)
            elif self.personal_data and not self._audit_done:
                log_access(
                    action=METHOD_ACTIONS.get(request.method, Action.READ),
                    processing_activity=self.audit_activity,
                    request=request._request,
                    actor=user,
                    object_type=self.audit_object_type,
                    detail=f"API {request.method} {request.path}"[:500],
                )
        return response


class AuditedAPIView(AuditedMixin, generics.GenericAPIView):
    pass


class AuditedReadOnlyViewSet(AuditedMixin, viewsets.ReadOnlyModelViewSet):
    """A list (``search`` row) and one object (``read`` row)."""

    def audit_household(self, obj) -> str:
        return ""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        page = getattr(self.paginator, "page", None)
        hits = len(page) if page is not None else len(response.data)
        if self.personal_data:
            self.audit_search(hits=hits, detail=self.audit_filters(request))
        return response

    def audit_filters(self, request) -> str:
        keys = sorted(k for k in request.query_params if k not in ("cursor", "page_size"))
        return ", ".join(f"{k}={request.query_params[k]}"[:60] for k in keys)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        serializer = self.get_serializer(obj)
        if self.personal_data:
            self.audit_read(obj, household=self.audit_household(obj))
        return Response(serializer.data)


class AuditedViewSet(AuditedMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    pass
