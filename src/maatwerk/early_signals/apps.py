from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlySignalsConfig(AppConfig):
    name = "maatwerk.early_signals"
    verbose_name = _("Early signals")

    def ready(self):
        # Imported here, not at the top: models may only be imported once the app
        # registry is ready (the Django rule for AppConfig.ready).
        from . import checks  # noqa: F401  (registers the system check)
