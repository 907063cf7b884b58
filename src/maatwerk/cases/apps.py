from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "maatwerk.cases"
    verbose_name = _("Cases")

    def ready(self):
        # Imported here, not at the top: views and selectors import models, which may
        # only be imported once the app registry is ready (the Django rule for
        # AppConfig.ready).
        from maatwerk.audit.labels import register_object_labels
        from maatwerk.web.extensions import register_start_section

        from . import selectors
        from .views.emergency import review_section

        register_start_section(review_section)

        register_object_labels("cases.case", selectors.log_labels_case)
        register_object_labels("cases.perspective", selectors.log_labels_perspective)
        register_object_labels("cases.planversion", selectors.log_labels_plan_version)
