"""The learning points' jobs (docs/learning.md), run by maatwerk.scheduler.jobs:

1. ``remind_unanswered``: a learning point sent to its addressee (or acknowledged, or in
   progress) with no new step for ``MAATWERK_LEARNING_REMINDER_WEEKS`` weeks gets one
   reminder e-mail to the addressee's maatwerk contact, and a copy to whoever wrote it.
   Once per step waited on: a new step starts a new wait.
2. ``yearly_follow_up``: on ``MAATWERK_LEARNING_FOLLOW_UP_DATE`` (day-month, default
   15-01) and after it, every learning point still open at that date is asked once that
   year: "what did you do with it?" — the national desk's yearly follow-up round. The
   answers are recorded as steps, and feed the report.

"Once" is kept in the database, as the other jobs do (docs/scheduler.md): a
``LearningNotice`` row (learning point, kind, key) under a unique constraint, written in
the transaction that sends the e-mail, with the learning point's row locked
(``SKIP LOCKED``: a second scheduler skips it).

The e-mail carries the learning point's reference, order, text and a link. The text is
written for the addressee and screened for personal data when it is stored
(services.screen); it carries no household's pseudonym.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maatwerk.register.models import Contact
from maatwerk.web.links import absolute

from .models import OPEN_STATUSES, LearningNotice, LearningPoint, LearningStatus

WAITING = (LearningStatus.SENT, LearningStatus.ACKNOWLEDGED, LearningStatus.IN_PROGRESS)


def addressee_email(point: LearningPoint) -> str:
    """The addressee's maatwerk contact: its first escalation level's contact, else its
    first active contact with an e-mail address."""
    if not point.addressee_id:
        return ""
    contacts = Contact.objects.filter(organisation_id=point.addressee_id, active=True).exclude(
        email=""
    )
    first_level = contacts.filter(
        escalation_steps__level=1, escalation_steps__organisation_id=point.addressee_id
    )
    emails = [
        first_level.values_list("email", flat=True).first(),
        contacts.order_by("id").values_list("email", flat=True).first(),
    ]
    return next((email for email in emails if email), "")


def _texts(point: LearningPoint, kind: str) -> tuple[str, str]:
    link = absolute(reverse("learning:point_detail", args=[point.pk]))
    with translation.override(settings.LANGUAGE_CODE):
        if kind == LearningNotice.Kind.REMINDER:
            subject = _("Reminder: learning point %(reference)s waits for your answer") % {
                "reference": point.reference
            }
            opening = _(
                "On %(date)s we sent you this learning point. We have not heard what you are "
                "doing with it yet."
            ) % {"date": point.status_on.strftime("%d-%m-%Y")}
        else:
            subject = _("What did you do with learning point %(reference)s?") % {
                "reference": point.reference
            }
            opening = _(
                "Once a year we ask every organisation what it did with the learning points "
                "addressed to it. Please tell us what happened with this one."
            )
        body = "\n\n".join(
            [
                opening,
                f"{point.reference} ({_('order %(order)s') % {'order': point.order}})",
                point.text,
                _("Quote %(reference)s in your answer, or answer in Maatwerk: %(link)s")
                % {"reference": point.reference, "link": link},
            ]
        )
    return subject, body


def _send_once(point_id: int, kind: str, key: str, mail, *, statuses) -> int:
    with transaction.atomic():
        point = (
            LearningPoint.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("created_by")
            .filter(pk=point_id, status__in=statuses)
            .first()
        )
        if point is None:
            return 0
        if LearningNotice.objects.filter(learning_point=point, kind=kind, key=key).exists():
            return 0
        to = addressee_email(point)
        copy = point.created_by.email if point.created_by and point.created_by.email else ""
        LearningNotice.objects.create(learning_point=point, kind=kind, key=key, sent_to=to)
        recipients = [address for address in (to, copy) if address]
        if recipients:
            subject, body = _texts(point, kind)
            # A failure rolls the notice back; the next run tries again.
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=recipients[:1],
                cc=recipients[1:],
                connection=mail,
            ).send()
    return 1


def remind_unanswered(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    cutoff = today - timedelta(weeks=settings.LEARNING_REMINDER_WEEKS)
    waiting = LearningPoint.objects.filter(status__in=WAITING, status_on__lte=cutoff)
    mail = get_connection()
    sent = 0
    for pk, status, status_on in waiting.values_list("pk", "status", "status_on").iterator():
        key = f"{status}:{status_on.isoformat()}"
        sent += _send_once(pk, LearningNotice.Kind.REMINDER, key, mail, statuses=(status,))
    return {"learning_point_reminders": sent}


def follow_up_date(year: int) -> date:
    day, month = settings.LEARNING_FOLLOW_UP_DATE
    return date(year, month, day)


def yearly_follow_up(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    round_date = follow_up_date(today.year)
    if today < round_date:
        return {"learning_point_follow_ups": 0}
    open_points = LearningPoint.objects.filter(
        status__in=OPEN_STATUSES, created_at__date__lt=round_date
    )
    mail = get_connection()
    sent = 0
    for pk in open_points.values_list("pk", flat=True).iterator():
        sent += _send_once(
            pk, LearningNotice.Kind.FOLLOW_UP, str(today.year), mail, statuses=OPEN_STATUSES
        )
    return {"learning_point_follow_ups": sent}
