"""Scopes: which parts of the API a token may call (docs/api.md, "Scopes"). What the
caller sees within a part is decided by the apps' access policies, as for pages."""

from rest_framework.permissions import BasePermission

from .models import ApiToken


class HasScope(BasePermission):
    """An endpoint names its scope per method: ``required_scopes = {"GET":
    "cases:read"}`` (or one string for every method). A token must hold it; a
    logged-in user (session) has no token and is limited by roles alone. Both are
    limited by ``required_perms``, the permissions the same page requires. An endpoint
    without ``required_scopes`` is refused: nothing is open by forgetting."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(view, request.method.lower(), None) is None:
            return True  # no such method here: the answer is a 405, nothing is done
        scopes = getattr(view, "required_scopes", None)
        if scopes is None:
            return False
        scope = scopes if isinstance(scopes, str) else scopes.get(request.method)
        if scope is None and request.method in ("HEAD", "OPTIONS") and not isinstance(scopes, str):
            scope = scopes.get("GET")
        if scope is None:
            return False
        if isinstance(request.auth, ApiToken) and scope not in request.auth.scopes:
            return False
        # The role's permissions, as the pages' ``permission_required``.
        return request.user.has_perms(getattr(view, "required_perms", ()))
