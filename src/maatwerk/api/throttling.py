from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class PerClientThrottle(SimpleRateThrottle):
    """``MAATWERK_API_RATE`` calls per minute per token (or per logged-in user); the
    counts live in the cache (``CACHES``: shared between processes with Redis)."""

    scope = "client"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
