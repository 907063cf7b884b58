from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "maatwerk.notices"
    verbose_name = _("Notifications")

    def ready(self):
        # Imported here, not at the top: models may only be imported once the app
        # registry is ready (the Django rule for AppConfig.ready).
        from maatwerk.cases.selectors import visible_cases

        from . import policy

        # A notice about the case itself: the root of the policy decides.
        policy.register_subject(policy.CASE, lambda user: visible_cases(user).values("pk"))
