"""OpenID Connect URLs, answered only when OIDC_ENABLED is on (404 otherwise)."""

from functools import wraps

from django.conf import settings
from django.http import Http404
from django.urls import path
from mozilla_django_oidc import views


def _enabled_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path(
        "callback/",
        _enabled_only(views.OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path(
        "authenticate/",
        _enabled_only(views.OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
]
