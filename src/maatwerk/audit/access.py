"""Page-level permission checks that log every refusal."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render

from maatwerk.audit.models import Action, ProcessingActivity, Result
from maatwerk.audit.services import log_access


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


def permission_required(*perms, require_verified=False, hide=False):
    """Only for logged-in users holding every permission in ``perms``; with
    ``require_verified`` also only after a completed two-factor login. With ``hide``
    (the URLs of one case) a refusal is a 404, like a case one may not see: whether
    it exists is not shared either."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perms(perms):
                response = deny(request, detail=",".join(perms))
                if hide:
                    raise Http404
                return response
            if require_verified and not request.user.is_verified():
                return deny(request, detail="two-factor login required")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
