from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The REST API at /api/v1/ (docs/api.md): the router, the system clients and
    their tokens, authentication, scopes, errors as problem+json, paging. The
    endpoints themselves live in each app's ``api.py``, on the audited base classes of
    ``maatwerk.audit.api``, so that no endpoint can forget the access log."""

    name = "maatwerk.api"
    verbose_name = _("API")

    def ready(self):
        from . import schema  # noqa: F401 (registers the schema extensions)
