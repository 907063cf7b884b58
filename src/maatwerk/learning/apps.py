from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "maatwerk.learning"
    verbose_name = _("System learning")

    def ready(self):
        # Imported here, not at the top: models may only be imported once the app
        # registry is ready (the Django rule for AppConfig.ready).
        from maatwerk.audit.labels import register_object_labels
        from maatwerk.cases.extensions import register_case_page_section
        from maatwerk.journeys.extensions import register_refusal_section
        from maatwerk.web.extensions import register_start_section

        from .selectors import case_learning_section, log_labels_learning_point, refusal_section
        from .start import analyses_section

        register_object_labels("learning.learningpoint", log_labels_learning_point)
        register_case_page_section(case_learning_section)
        # Next to a refusal on the request page: the similar precedents, each a link.
        register_refusal_section(refusal_section)
        # The coordinator's start page: the closing analyses still to do.
        register_start_section(analyses_section)
