from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "maatwerk.cases"
    verbose_name = _("Cases")

    def ready(self):
        # Imported here, not at the top: views import models, which may only be
        # imported once the app registry is ready (the Django rule for AppConfig.ready).
        from maatwerk.web.extensions import register_start_section

        from .views.emergency import review_section

        register_start_section(review_section)
