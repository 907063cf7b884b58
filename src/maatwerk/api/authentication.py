"""Who calls the API: a system client by its token, or a logged-in user by the
browser session (docs/api.md, "Authentication")."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from maatwerk.accounts.twofactor import two_factor_needed
from maatwerk.audit.models import Action, ProcessingActivity, Result
from maatwerk.audit.services import log_access

from .models import ApiToken

# ``last_used_at`` is written at most this often per token, not on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer mwk_…`` (``Token mwk_…`` is accepted too). The
    request's user is the client's service account; ``request.auth`` the token."""

    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise self._failed(request, "malformed Authorization header")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise self._failed(request, "token is not ASCII") from None
        key_id = ApiToken.key_id_of(secret)
        token = (
            ApiToken.objects.select_related("client__user").filter(key_id=key_id).first()
            if key_id
            else None
        )
        if token is None or not token.matches(secret):
            raise self._failed(request, "unknown token")
        if not token.usable:
            raise self._failed(
                request, f"token {token.key_id} expired or revoked", user=token.client.user
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.client.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="maatwerk"'

    def _failed(self, request, detail: str, user=None):
        log_access(
            action=Action.LOGIN_FAILED,
            processing_activity=ProcessingActivity.AUTHENTICATION,
            request=request._request,
            actor=user,
            result=Result.FAILED,
            object_type="page",
            object_id=request.path[:100],
            detail=f"API: {detail}",
        )
        return exceptions.AuthenticationFailed(_("The token is invalid, expired or revoked."))


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's login, with the same second factor as the pages: a user who still
    owes one is not logged in for the API (CSRF is checked for writes, as by DRF)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, _auth = result
        if two_factor_needed(user) and not user.is_verified():
            return None
        return result
