"""The early signals' jobs (docs/early-signals.md), run by maatwerk.scheduler.jobs:

1. ``escalate_overdue``: a bundle whose first contact is overdue (still open, no
   contact, its deadline passed: ``selectors.overdue_q``) is escalated once per
   deadline to each team lead of its team (``early_signals.lead_signals``) with an
   e-mail address. "Once" is a ``BundleEscalation`` row (bundle, recipient, deadline)
   under a unique constraint, written in the transaction that sends the mail, with the
   bundle's row locked (``core.once.send_once``: another scheduler skips it). A new,
   earlier deadline (a threatening signal joined) escalates again. The mail holds the
   bundle's reference, its team, the deadline and a link: no name, no address, no
   amount.
2. ``delete_expired``: the signal data of a bundle that did not lead to help is
   deleted ``SIGNAL_RETENTION_DAYS`` after the bundle was closed (declined,
   unreachable, already in help) or, for a bundle never closed, after its last signal
   was received. The bundle with its signals, their history, the outreach attempts and
   the escalation rows goes; one access-log row per bundle (action ``delete``) says
   which reference, why and when. A bundle that led to help (help accepted) is kept:
   its facts went into the case, which has retention rules of its own.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access_many
from maatwerk.core.once import send_once
from maatwerk.web.links import absolute

from .models import Bundle, BundleEscalation, Outcome
from .selectors import overdue_q, team_leads


def _texts(bundle: Bundle) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "reference": bundle.reference,
            "team": bundle.team.name,
            "due": bundle.contact_due_on.strftime("%d-%m-%Y"),
            "link": absolute(reverse("early_signals:bundle_detail", args=[bundle.pk])),
        }
        subject = _("Early signal %(reference)s: first contact overdue") % values
        body = (
            _(
                "The household of early signal %(reference)s (team %(team)s) should have been "
                "contacted by %(due)s, and has not been yet.\n\nAssign it or follow it up in "
                "Maatwerk: %(link)s\n"
            )
            % values
        )
    return subject, body


def escalate_overdue(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    counts = {"signal_escalations": 0}
    mail = get_connection()
    overdue = Bundle.objects.filter(overdue_q(today)).values_list("pk", "team_id", "contact_due_on")
    leads_of: dict[int, list] = {}
    for pk, team_id, due_on in overdue.order_by("contact_due_on", "pk").iterator():
        if team_id not in leads_of:
            leads_of[team_id] = list(team_leads(team_id).exclude(email=""))
        leads = leads_of[team_id]
        if not leads:
            continue
        counts["signal_escalations"] += send_once(
            locked=Bundle.objects.select_related("team").filter(
                overdue_q(today), pk=pk, contact_due_on=due_on
            ),
            recipients=lambda bundle, leads=leads: leads,
            sent_to=lambda bundle: BundleEscalation.objects.filter(
                bundle=bundle, due_on=bundle.contact_due_on
            ).values_list("recipient_id", flat=True),
            record=lambda bundle, users: BundleEscalation.objects.bulk_create(
                [
                    BundleEscalation(bundle=bundle, recipient=user, due_on=bundle.contact_due_on)
                    for user in users
                ]
            ),
            texts=_texts,
            connection=mail,
        )
    return counts


def expired_q(today: date) -> Q:
    """The bundles whose signal data must go on ``today`` (see the module's docstring)."""
    limit = today - timedelta(days=settings.SIGNAL_RETENTION_DAYS)
    closed = Q(outcome__in=[Outcome.DECLINED, Outcome.UNREACHABLE, Outcome.ALREADY_IN_HELP])
    return (closed & Q(outcome_on__lt=limit)) | (Q(outcome="") & Q(last_signal_on__lt=limit))


BATCH = 500


def delete_expired(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    deleted = 0
    while True:
        with transaction.atomic():
            bundles = list(
                Bundle.objects.select_for_update(skip_locked=True)
                .filter(expired_q(today))
                .order_by("pk")
                .values_list("pk", "outcome", "signal_count")[:BATCH]
            )
            if not bundles:
                break
            log_access_many(
                [
                    {
                        "action": Action.DELETE,
                        "processing_activity": ProcessingActivity.EARLY_SIGNALS,
                        "actor_username": "scheduler",
                        "object_type": "early_signals.bundle",
                        "object_id": pk,
                        "household": f"VS-{pk}",
                        "detail": (
                            f"retention: {signals} signal(s) deleted, outcome "
                            f"{outcome or 'none'}, after {settings.SIGNAL_RETENTION_DAYS} days"
                        ),
                    }
                    for pk, outcome, signals in bundles
                ]
            )
            Bundle.objects.filter(pk__in=[pk for pk, _outcome, _signals in bundles]).delete()
            deleted += len(bundles)
        if len(bundles) < BATCH:
            break
    return {"signal_bundles_deleted": deleted}
