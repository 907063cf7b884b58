from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The yearly system-learning report (Jaarrapportage systeemleren) and the case
    exchange format ``maatwerk-case/1`` (docs/reports.md, docs/exchange.md). Sits above
    the domain apps in the layer contract: it reads cases, journeys, budgets and
    learning, and writes them only through an import."""

    name = "maatwerk.reports"
    verbose_name = _("Reports and exchange")
