from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "maatwerk.web"
    verbose_name = _("Web interface")

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
        from .extensions import register_start_section
        from .start import _accounts

        register_start_section(_accounts)
