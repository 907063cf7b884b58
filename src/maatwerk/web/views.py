from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from maatwerk.accounts.middleware import url_with_next
from maatwerk.accounts.models import Role
from maatwerk.audit.access import deny

from .extensions import start_sections
from .navigation import NOT_YET, start_links


@never_cache
@require_safe
def health(request):
    """The liveness check for a load balancer or orchestrator: the process answers.
    Nothing but the middleware runs (no query of its own, no template), so it is also
    the ceiling that `make bench` measures every page against (anonymous and logged
    in: the difference is what the middleware costs a logged-in request)."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@login_required
def home(request):
    roles = list(Role.objects.filter(group__user=request.user).order_by("order"))
    if not roles:
        return render(request, "web/no_role.html")
    cards = [
        {
            "role": role,
            "links": start_links(request.user, role.code),
            "not_yet": NOT_YET.get(role.code, []),
        }
        for role in roles
    ]
    with transaction.atomic():  # the sections' reads and their access-log rows
        sections = start_sections(request)
    return render(request, "web/home.html", {"cards": cards, "sections": sections})


def admin_login_redirect(request, extra_context=None):
    """Functional management uses the normal login (with lockout and two-factor);
    a logged-in user without the permission gets the logged "no access" page."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if admin_has_permission(request):
            return redirect(target)
        return deny(request, detail="accounts.use_admin_site")
    return redirect(url_with_next("accounts:login", target))


def admin_has_permission(request):
    """Functional management is a permission (a role), not the is_staff flag."""
    user = request.user
    return user.is_active and user.is_authenticated and user.has_perm("accounts.use_admin_site")


def _api_problem(request, status: int, title: str):
    """Outside an endpoint (an unknown address under /api/, a server error), the API
    still answers as ``application/problem+json`` (RFC 9457; docs/api.md)."""
    if not request.path.startswith("/api/"):
        return None
    body = {"type": "about:blank", "title": title, "status": status, "instance": request.path}
    return JsonResponse(body, status=status, content_type="application/problem+json")


def permission_denied(request, exception=None):
    return _api_problem(request, 403, "Forbidden") or render(
        request, "web/no_access.html", status=403
    )


def page_not_found(request, exception=None):
    return _api_problem(request, 404, "Not found") or render(request, "web/404.html", status=404)


def server_error(request):
    return _api_problem(request, 500, "Internal server error") or render(
        request, "web/500.html", status=500
    )
