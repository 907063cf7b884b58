from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlySignalsConfig(AppConfig):
    name = "maatwerk.early_signals"
    verbose_name = _("Early signals")

    def ready(self):
        # Imported here, not at the top: models may only be imported once the app
        # registry is ready (the Django rule for AppConfig.ready).
        from maatwerk.cases.extensions import register_case_page_section
        from maatwerk.web.extensions import register_start_section

        from . import checks  # noqa: F401  (registers the system check)
        from .start import case_section, signals_section

        register_start_section(signals_section)
        register_case_page_section(case_section)
