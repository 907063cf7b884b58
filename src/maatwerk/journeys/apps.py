from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "maatwerk.journeys"
    verbose_name = _("Journeys")

    def ready(self):
        # Imported here, not at the top: models may only be imported once the app
        # registry is ready (the Django rule for AppConfig.ready).
        from maatwerk.audit.labels import register_object_labels
        from maatwerk.cases.attention import register_attention_rule, register_deadline
        from maatwerk.cases.extensions import (
            register_case_page_section,
            register_closing_step,
            register_search_text,
        )
        from maatwerk.notices.policy import register_subject
        from maatwerk.web.extensions import register_start_section

        from . import attention, selectors
        from .closing import CLOSING_STEP
        from .start import SECTIONS

        register_object_labels("journeys.request", selectors.log_labels_request)
        register_object_labels("journeys.journeyevent", selectors.log_labels_journey_event)
        register_object_labels("journeys.attachment", selectors.log_labels_attachment)
        for rule in attention.RULES:
            register_attention_rule(rule)
        for deadline in attention.DEADLINES:
            register_deadline(deadline)
        register_case_page_section(
            lambda user, case: {"requests": selectors.case_requests(user, case)}
        )
        # A request's notices: shown while the user may see the request.
        register_subject(
            "journeys.request", lambda user: selectors.visible_requests(user).values("pk")
        )
        register_closing_step(CLOSING_STEP)
        register_search_text(selectors.search_text)
        for section in SECTIONS:
            register_start_section(section)
        post_migrate.connect(_seed, sender=self)


def _seed(sender, using="default", **kwargs):
    # Imported when it runs: the seed imports models (not ready at module import).
    from .seed import seed_counter_arguments

    seed_counter_arguments(using=using)
