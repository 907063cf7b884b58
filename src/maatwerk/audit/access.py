"""Page-level permission checks that log every refusal.

Two kinds of refusal, both logged as ``permission_denied``:

- a page the user's role does not allow: :func:`deny`, the "no access" page (403);
- one object the user may not see (a case, a request, a spend, a meeting): a
  :class:`Refused`, which is an ``Http404`` (whether the object exists is not shared)
  carrying what was asked for. The selectors that fetch one object (``case_for``,
  ``request_for``, …) raise it, and so does :func:`permission_required` with ``hide``.
  One place writes its log row: :class:`RefusalLogMiddleware`, after the view's own
  transaction has rolled back, so the row stays.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404
from django.shortcuts import render

from maatwerk.audit.models import Action, ProcessingActivity, Result
from maatwerk.audit.services import log_access

NO_SUCH_OBJECT = "no such object"
NOT_VISIBLE = "not visible to this user"


class Refused(Http404):
    """A refused attempt on one object, answered with a 404 like an object that does not
    exist, and logged (by :class:`RefusalLogMiddleware`) with the household's pseudonym
    when the object belongs to one. ``household`` is empty when there is no such object
    (the log row notes it in ``detail``; the response is the same 404)."""

    def __init__(
        self,
        *,
        object_type: str = "",
        object_id="",
        household: str = "",
        detail: str = NOT_VISIBLE,
        processing_activity: ProcessingActivity | str = ProcessingActivity.CASE_WORK,
    ):
        super().__init__()  # no message: nothing about the object reaches the response
        self.object_type = object_type
        self.object_id = object_id
        self.household = household
        self.detail = detail
        self.processing_activity = processing_activity

    def log(self, request) -> None:
        """Write the refusal's row (in its own transaction: the request's work, if
        any, has been rolled back by now)."""
        detail = "; ".join(part for part in (self.detail, request.path) if part)
        with transaction.atomic():
            log_access(
                action=Action.PERMISSION_DENIED,
                processing_activity=self.processing_activity,
                request=request,
                result=Result.DENIED,
                object_type=self.object_type or "page",
                object_id=self.object_id if self.object_type else request.path,
                household=self.household,
                detail=detail,
            )


class RefusalLogMiddleware:
    """Writes the log row of every :class:`Refused` a view raises; Django then renders
    the usual 404. The exception arrives here after it left every ``atomic`` block of
    the view (and the view-wide one of ``ATOMIC_REQUESTS``), so the row is written in a
    transaction of its own and is not rolled back with the view's work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refused):
            exception.log(request)
        return None  # Django's own 404 handling answers


def deny(request, *, processing_activity=ProcessingActivity.AUTHENTICATION, detail=""):
    """Log the refusal and show the "no access" page (HTTP 403)."""
    log_access(
        action=Action.PERMISSION_DENIED,
        processing_activity=processing_activity,
        request=request,
        result=Result.DENIED,
        object_type="page",
        object_id=request.path[:64],
        detail=detail,
    )
    return render(request, "web/no_access.html", status=403)


def permission_required(
    *perms, require_verified=False, hide: bool | Callable[[dict], Refused] = False
):
    """Only for logged-in users holding every permission in ``perms``; with
    ``require_verified`` also only after a completed two-factor login.

    With ``hide`` (the URLs of one object) a refusal is a 404, like an object one may
    not see: whether it exists is not shared either. ``hide`` may be a function of the
    view's keyword arguments that returns the :class:`Refused` of the object the URL
    names (``cases.selectors.hidden_case("pk")``): the refusal's row then carries the
    household's pseudonym, as a refusal by the object's selector does."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perms(perms):
                if hide:
                    refusal = hide(kwargs) if callable(hide) else Refused(detail="")
                    refusal.processing_activity = ProcessingActivity.AUTHENTICATION
                    missing = refusal.detail == NO_SUCH_OBJECT
                    refusal.detail = ",".join(perms) + (f"; {NO_SUCH_OBJECT}" if missing else "")
                    raise refusal
                return deny(request, detail=",".join(perms))
            if require_verified and not request.user.is_verified():
                return deny(request, detail="two-factor login required")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
