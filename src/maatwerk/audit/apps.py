from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "maatwerk.audit"
    verbose_name = _("Access log")

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
