"""The cases' scheduled job: tell the privacy officers about every emergency access.

A break-the-glass access (``cases.EmergencyAccess``) opens a case outside the access
policy; the privacy officers must hear of it without having to look. On the
scheduler's next run after an emergency access starts, every active user who may
review it (``cases.review_emergencyaccess``: the privacy officer's role) gets one
e-mail. Once per (access, recipient), kept in the database (EmergencyAccessNotice,
unique) and written in the same transaction that sends the mail, with the access's
row locked (a second scheduler skips it). Accesses that were reviewed already are
not announced any more.

The e-mail carries no case data: who opened a case, when and until when, and a link
to the start page where the review is — never the household, the case or the reason.
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
from maatwerk.core.once import send_once
from maatwerk.web.links import absolute

from .models import EmergencyAccess, EmergencyAccessNotice

logger = logging.getLogger(__name__)

REVIEW_PERMISSION = "cases.review_emergencyaccess"


def reviewers() -> list:
    """The active users who review emergency accesses, with an e-mail address."""
    return list(users_with_permission(REVIEW_PERMISSION).exclude(email="").order_by("pk"))


def _texts(access: EmergencyAccess) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "user": access.user.display_name,
            "username": access.user.get_username(),
            "started": f"{timezone.localtime(access.started_at):%d-%m-%Y %H:%M}",
            "expires": f"{timezone.localtime(access.expires_at):%H:%M}",
            "link": absolute(reverse("web:home")),
        }
        subject = _("Emergency access to a case by %(user)s") % values
        body = (
            _(
                "%(user)s (%(username)s) opened a case outside the access policy "
                "(break-the-glass) on %(started)s, read-only until %(expires)s.\n\n"
                "Review it on your start page in Maatwerk: %(link)s\n"
            )
            % values
        )
    return subject, body


def _notify_one(access_id: int, recipients: list, mail) -> int:
    """Send the notice of one emergency access to the reviewers who did not get it
    (``core.once.send_once``: under the access's lock, keyed rows, one transaction)."""
    return send_once(
        locked=EmergencyAccess.objects.select_related("user").filter(
            pk=access_id, review__isnull=True
        ),
        # Whoever opened the case does not review it, even when they may.
        recipients=lambda access: [user for user in recipients if user.pk != access.user_id],
        sent_to=lambda access: EmergencyAccessNotice.objects.filter(access=access).values_list(
            "recipient_id", flat=True
        ),
        record=lambda access, users: EmergencyAccessNotice.objects.bulk_create(
            [EmergencyAccessNotice(access=access, recipient=user) for user in users]
        ),
        texts=_texts,
        connection=mail,
    )


def notify_emergency_accesses(*, today: date | None = None) -> dict:
    counts = {"emergency_access_notices": 0}
    recipients = reviewers()
    if not recipients:
        return counts
    unreviewed = EmergencyAccess.objects.filter(review__isnull=True).values_list("pk", flat=True)
    mail = get_connection()
    for pk in unreviewed.order_by("pk").iterator():
        counts["emergency_access_notices"] += _notify_one(pk, recipients, mail)
    return counts
