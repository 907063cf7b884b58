"""Session timeouts and the two-factor gate."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .twofactor import two_factor_needed

SESSION_STARTED = "maatwerk_started"
SESSION_LAST_SEEN = "maatwerk_last_seen"

# Paths a half-logged-in user (password given, second factor not yet) may use.
OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/", "/oidc/")
# The API's session login does not redirect: ``api.authentication.SessionAuthentication``
# refuses a user who still owes a second factor, with a 401/403 the client can read.
API_PREFIX = "/api/"


def url_with_next(url_name: str, target: str) -> str:
    """The URL of ``url_name`` with ``target`` as its (encoded) ``next`` parameter."""
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


# How stale the session's "last seen" may be before a request writes it again. Writing
# it on every request would cost a database write per page view (issue: national
# scale); the idle timeout is then exact to within this many seconds.
LAST_SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_MINUTES without a request, and always
    SESSION_ABSOLUTE_HOURS after login. "Last seen" is written at most once every
    LAST_SEEN_RESOLUTION seconds, so most page views do not write the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.setdefault(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            reason = None
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                reason = _("You have been logged out: the maximum session length has passed.")
            elif now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                reason = _("You have been logged out after a period without activity.")
            if reason:
                logout(request)
                if request.path.startswith(API_PREFIX):
                    # The API answers 401 itself (problem+json), no login page.
                    return self.get_response(request)
                messages.info(request, reason)
                return redirect(url_with_next(settings.LOGIN_URL, request.get_full_path()))
            if SESSION_LAST_SEEN not in request.session or (
                now - last_seen >= LAST_SEEN_RESOLUTION
            ):
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Sends a user who still owes a second factor to the verify or set-up page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not request.path.startswith(API_PREFIX)
            and not user.is_verified()
            and two_factor_needed(user)
        ):
            return redirect(url_with_next("accounts:two_factor", request.get_full_path()))
        return self.get_response(request)
