"""The budget's scheduled job: tell the budget holders that a spend waits for them.

A spend above the threshold is meant to be quick help; it must not wait unseen for a
second pair of eyes. On the scheduler's next run after a spend starts waiting, every
budget holder of its team who may approve it (not the requester) gets an e-mail; when
it still waits ``MAATWERK_APPROVAL_REMINDER_DAYS`` working days after its request,
they get one reminder. Once per (spend, kind, recipient), kept in the database
(ApprovalNotice) and written in the same transaction that sends the mail, with the
spend's row locked (a second scheduler skips it).

The e-mail carries no case data: the spend's reference, the team, the amount and a
link — never the household, the purpose or the description.
"""

from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maatwerk.accounts.roles import users_with_permission
from maatwerk.core.money import euro
from maatwerk.core.once import send_once
from maatwerk.journeys.calendar import working_days_between
from maatwerk.web.links import absolute

from .models import ApprovalNotice, Spend

logger = logging.getLogger(__name__)


def approvers(spend: Spend) -> list:
    """The active members of the spend's team who may approve it (never the
    requester), with an e-mail address."""
    return list(
        users_with_permission("budgets.approve_spend")
        .filter(teams=spend.budget.team_id)
        .exclude(pk=spend.requested_by_id)
        .exclude(email="")
        .order_by("pk")
    )


def _texts(spend: Spend, kind: str) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "reference": spend.reference,
            "team": spend.budget.team.name,
            "amount": euro(spend.amount),
            "link": absolute(reverse("budgets:spend_detail", args=[spend.pk])),
        }
        if kind == ApprovalNotice.Kind.WAITING:
            subject = _("Spend %(reference)s awaits your approval") % values
        else:
            subject = _("Reminder: spend %(reference)s still awaits approval") % values
        body = (
            _(
                "Spend %(reference)s of %(team)s (%(amount)s) is above the approval "
                "threshold and waits for a second budget holder.\n\n"
                "Approve or refuse it in Maatwerk: %(link)s\n"
            )
            % values
        )
    return subject, body


def _notify_one(spend_id: int, kind: str, mail) -> int:
    """Send notice ``kind`` for one spend to its approvers who did not get it yet
    (``core.once.send_once``: under the spend's lock, keyed rows, one transaction)."""
    return send_once(
        locked=Spend.objects.select_related("budget__team").filter(
            pk=spend_id, state=Spend.State.AWAITING_APPROVAL
        ),
        recipients=approvers,
        sent_to=lambda spend: ApprovalNotice.objects.filter(spend=spend, kind=kind).values_list(
            "recipient_id", flat=True
        ),
        record=lambda spend, users: ApprovalNotice.objects.bulk_create(
            [ApprovalNotice(spend=spend, kind=kind, recipient=user) for user in users]
        ),
        texts=lambda spend: _texts(spend, kind),
        connection=mail,
    )


def notify_awaiting_approval(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    waiting = Spend.objects.filter(state=Spend.State.AWAITING_APPROVAL).values_list(
        "pk", "created_at"
    )
    counts = {"approval_notices": 0, "approval_reminders": 0}
    mail = get_connection()
    for pk, created_at in waiting.order_by("pk").iterator():
        counts["approval_notices"] += _notify_one(pk, ApprovalNotice.Kind.WAITING, mail)
        asked_on = timezone.localdate(created_at)
        if working_days_between(asked_on, today) >= settings.APPROVAL_REMINDER_DAYS:
            counts["approval_reminders"] += _notify_one(pk, ApprovalNotice.Kind.REMINDER, mail)
    return counts
