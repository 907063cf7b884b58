"""The early signals on the start page and the case page (the extension points of
``web.extensions`` and ``cases.extensions``, registered in ``EarlySignalsConfig.ready``).

- Start page: the bundles assigned to me that are not closed, overdue first; and for a
  team lead (``early_signals.lead_signals``) the overdue bundles of their teams.
  Bounded (``START_SIZE``), a constant number of queries, logged (one row per section,
  naming the bundles shown: no personal data is shown, only references, deadlines and
  trays).
- Case page: the bundles linked to the case that the policy shows the user
  (``selectors.case_bundles``); covered by the case page's own log row.
"""

from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access

from .models import BundleStatus
from .selectors import case_bundles, handled_bundles, overdue_q

START_SIZE = 5


def signals_section(request) -> dict | None:
    user = request.user
    if not user.has_perm("early_signals.view_bundle"):
        return None
    today = timezone.localdate()
    overdue = overdue_q(today)
    mine = (
        handled_bundles(user)
        .filter(assigned_to=user)
        .exclude(status=BundleStatus.CLOSED)
        .annotate(
            late=Case(When(overdue, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .select_related("tray")
        .order_by("late", "contact_due_on", "pk")
    )
    section = {
        "template": "early_signals/_start_signals.html",
        "mine": list(mine[:START_SIZE]),
        "mine_total": mine.count(),
        "today": today,
    }
    if user.has_perm("early_signals.lead_signals"):
        late = (
            handled_bundles(user)
            .filter(overdue, team__in=user.teams.filter(active=True).values("pk"))
            .select_related("assigned_to", "team")
            .order_by("contact_due_on", "pk")
        )
        section["overdue"] = list(late[:START_SIZE])
        section["overdue_total"] = late.count()
    shown = [bundle.reference for bundle in section["mine"] + section.get("overdue", [])]
    if shown:
        log_access(
            action=Action.READ,
            processing_activity=ProcessingActivity.EARLY_SIGNALS,
            request=request,
            object_type="early_signals.bundle",
            detail=("start page, early signals: " + ", ".join(shown))[:500],
        )
    return section


def case_section(user, case) -> dict:
    if not user.has_perm("early_signals.view_bundle"):
        return {}
    return {
        "signal_bundles": case_bundles(user, case),
        "early_signals_section_template": "early_signals/_case_section.html",
    }
