"""The maatwerkbudget's section of the start page (``web.extensions``, registered in
``BudgetsConfig.ready``): the spends waiting for my approval (``approve_spend``) and the
open receivables of bridging spends by age (``settle_spend``). Bounded (``START_SIZE``
rows and the total), a constant number of queries (the ages are counted and summed in
SQL), the budgets' own policy (``awaiting_approval``, ``open_receivables``), and the
spends shown logged like the approvals page (``audit.events.spends_listed``)."""

from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.audit import events

from .selectors import awaiting_approval, open_receivables

START_SIZE = 5

# The age buckets of an open receivable, in days since the spend: (name, label, from, to).
AGES = (
    ("d30", _("up to 30 days"), 0, 30),
    ("d90", _("31 to 90 days"), 31, 90),
    ("d180", _("91 to 180 days"), 91, 180),
    ("older", _("older than 180 days"), 181, None),
)


def receivables_by_age(user, today) -> list[dict]:
    """Per age bucket: how many open receivables and their open total (one query)."""
    aggregates = {}
    for name, _label, low, high in AGES:
        condition = Q(on__lte=today - timedelta(days=low))
        if high is not None:
            condition &= Q(on__gt=today - timedelta(days=high + 1))
        aggregates[f"{name}_count"] = Count("pk", filter=condition)
        aggregates[f"{name}_open"] = Sum("open_amount", filter=condition)
    figures = open_receivables(user).order_by().aggregate(**aggregates)
    return [
        {"label": label, "count": figures[f"{name}_count"], "open": figures[f"{name}_open"] or 0}
        for name, label, _low, _high in AGES
    ]


def budget_section(request) -> dict | None:
    user = request.user
    approves = user.has_perm("budgets.approve_spend")
    settles = user.has_perm("budgets.settle_spend")
    if not approves and not settles:
        return None
    section = {"template": "budgets/_start_budget.html", "size": START_SIZE}
    if approves:
        waiting = awaiting_approval(user)
        section["awaiting"] = list(waiting[:START_SIZE])
        section["awaiting_total"] = waiting.count()
        events.spends_listed(
            request, name="start page, awaiting approval", spends=section["awaiting"]
        )
    if settles:
        section["ages"] = receivables_by_age(user, timezone.localdate())
    return section
