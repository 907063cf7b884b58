from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "maatwerk.meetings"
    verbose_name = _("Breakthrough tables")

    def ready(self):
        # Imported here, not at the top: models may only be imported once the app
        # registry is ready (the Django rule for AppConfig.ready).
        from maatwerk.audit.labels import register_object_labels
        from maatwerk.cases.extensions import register_case_page_section
        from maatwerk.web.extensions import register_start_section

        from .selectors import log_labels_meeting, meetings_for_case, minutes_for_case
        from .start import meetings_section

        register_start_section(meetings_section)
        register_object_labels("meetings.meeting", log_labels_meeting)
        register_case_page_section(
            lambda user, case: {
                "minutes": list(minutes_for_case(case)),
                "meetings": list(meetings_for_case(case)),
            }
        )
