"""Feedback to a creditor: the status of each of its own signals, as a CSV the
coordinator sends it (until the API of issue 15 serves it to the creditor's token).

What a creditor hears is as little as it needs to pause collection: per reference,
whether the signal is being followed up, help has started (help accepted), or it is
closed. Never why it was closed (declined, unreachable), never a name, an address, a
case or another creditor's signal. The export is logged (``share``: it leaves the
municipality)."""

import csv
import io

from django.http import HttpResponse

from maatwerk.audit.access import Refused, permission_required
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.core.numbers import parse_id

from ..models import BundleStatus, Creditor, Outcome, Signal
from ..selectors import handled_bundles

IN_PROGRESS, HELP_STARTED, CLOSED = "in_behandeling", "hulp_gestart", "afgesloten"


def status_of(bundle_status: str, outcome: str) -> str:
    """The one status a creditor hears for a signal."""
    if outcome == Outcome.HELP_ACCEPTED:
        return HELP_STARTED
    if bundle_status == BundleStatus.CLOSED:
        return CLOSED
    return IN_PROGRESS


def feedback_rows(user, creditor):
    """(reference, signal date, status, since) of the creditor's signals in the bundles
    the user handles (one query, no encrypted column)."""
    signals = (
        Signal.objects.filter(creditor=creditor, bundle__in=handled_bundles(user).values("pk"))
        .order_by("creditor_reference")
        .values_list(
            "creditor_reference",
            "signal_date",
            "bundle__status",
            "bundle__outcome",
            "bundle__outcome_on",
        )
    )
    for reference, signal_date, status, outcome, outcome_on in signals.iterator():
        shown = status_of(status, outcome)
        yield reference, signal_date, shown, outcome_on if shown != IN_PROGRESS else None


@permission_required("early_signals.intake_signal")
def feedback_export(request, pk):
    creditor = Creditor.objects.filter(pk=parse_id(pk)).select_related("organisation").first()
    if creditor is None:
        raise Refused(
            object_type="early_signals.creditor",
            object_id=pk,
            processing_activity=ProcessingActivity.EARLY_SIGNALS,
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["referentie", "signaaldatum", "status", "sinds"])
    count = 0
    for reference, signal_date, status, since in feedback_rows(request.user, creditor):
        writer.writerow(
            [reference, signal_date.isoformat(), status, since.isoformat() if since else ""]
        )
        count += 1
    log_access(
        action=Action.SHARE,
        processing_activity=ProcessingActivity.EARLY_SIGNALS,
        request=request,
        obj=creditor,
        detail=f"feedback export to {creditor.organisation.name}: {count} signals"[:500],
    )
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="terugkoppeling-{creditor.pk}.csv"'
    return response
