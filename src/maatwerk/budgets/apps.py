from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "maatwerk.budgets"
    verbose_name = _("Maatwerk budgets")

    def ready(self):
        # Imported here, not at the top: models may only be imported once the app
        # registry is ready (the Django rule for AppConfig.ready).
        from maatwerk.audit.labels import register_object_labels
        from maatwerk.cases.extensions import register_case_page_section
        from maatwerk.notices.policy import register_subject
        from maatwerk.web.extensions import register_start_section

        from .selectors import case_spends, log_labels_budget, log_labels_spend, visible_spends
        from .start import budget_section

        register_start_section(budget_section)
        register_object_labels("budgets.spend", log_labels_spend)
        register_object_labels("budgets.budget", log_labels_budget)
        register_case_page_section(lambda user, case: {"spends": list(case_spends(case))})
        # A spend's notices: shown while the user may see the spend.
        register_subject("budgets.spend", lambda user: visible_spends(user).values("pk"))
