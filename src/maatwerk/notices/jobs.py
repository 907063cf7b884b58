"""The notices' scheduled jobs (docs/notices.md, docs/scheduler.md): e-mail the notices
that are to be e-mailed, and once a day the digest.

A producer (journeys, budgets, meetings) creates its notices in the transaction of the
event, with ``mail_state = pending`` when the recipient wants them by e-mail or in the
digest (``Preference``). Nothing is sent from a page. These jobs send them, exactly
once:

- ``mail_notices``: per recipient, in one transaction, the recipient's pending e-mail
  notices are locked (``select_for_update(skip_locked=True)``: a second scheduler skips
  rows this one holds), each is e-mailed, and marked ``sent`` in that same transaction.
  A failure rolls the recipient's batch back; the next run sends it again.
- ``send_digests``: on the first run of a day, per recipient, the pending digest
  notices from before that day are locked, sent in one e-mail and marked ``sent``,
  with a ``Digest`` row unique per (recipient, day) created in the same transaction:
  a second run or scheduler that day sends no second digest.

Before sending, the policy is asked again: a notice whose object the recipient may no
longer see, of a closed case, or of a user who is no longer active (or has no
address) is not e-mailed (``dropped``). The e-mails carry what the notice carries:
the pseudonym, a reference, an organisation, dates and a link.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maatwerk.cases.models import Case
from maatwerk.web.links import absolute

from . import kinds
from .models import Delivery, Digest, MailState, Notice
from .policy import visible_q
from .selectors import target_url

logger = logging.getLogger(__name__)
User = get_user_model()

BATCH = 200  # notices per recipient and transaction


def _footer() -> str:
    return _(
        "On purpose, this message names the household only by its pseudonym and "
        "contains no other details: you find them after logging in to Maatwerk."
    )


def _deliverable(user, notices: list[Notice]) -> set[int]:
    """The pks of ``notices`` that may still go to ``user`` (one query)."""
    if not user.is_active or not user.email:
        return set()
    return set(
        Notice.objects.filter(pk__in=[n.pk for n in notices])
        .filter(visible_q(user))
        .exclude(case__status=Case.Status.CLOSED)
        .values_list("pk", flat=True)
    )


def _lock(user, delivery: str, **conditions) -> list[Notice]:
    return list(
        Notice.objects.select_for_update(skip_locked=True)
        .filter(recipient=user, delivery=delivery, mail_state=MailState.PENDING, **conditions)
        .order_by("created_at", "pk")[:BATCH]
    )


def _line(notice: Notice) -> str:
    return f"{kinds.render(notice.kind, notice.facts)}\n{absolute(target_url(notice))}"


def _send(address: str, subject: str, body: str, mail) -> bool:
    """False when the mail server refuses the address (not solved by trying again)."""
    try:
        EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            connection=mail,
        ).send()
    except smtplib.SMTPRecipientsRefused:
        logger.warning("A notice e-mail: the mail server refused an address")
        return False
    return True


def _mail_one(user, mail) -> dict:
    counts = {"notice_emails": 0, "notice_emails_dropped": 0}
    with transaction.atomic():
        locked = _lock(user, Delivery.EMAIL)
        if not locked:
            return counts
        ok = _deliverable(user, locked)
        sent, dropped = [], [n.pk for n in locked if n.pk not in ok]
        with translation.override(settings.LANGUAGE_CODE):
            for notice in locked:
                if notice.pk not in ok:
                    continue
                subject = _("Maatwerk: %(kind)s (%(household)s)") % {
                    "kind": notice.get_kind_display(),
                    "household": notice.facts.get("household", ""),
                }
                body = "\n\n".join([_line(notice), _footer()])
                (sent if _send(user.email, subject, body, mail) else dropped).append(notice.pk)
        now = timezone.now()
        Notice.objects.filter(pk__in=sent).update(mail_state=MailState.SENT, mailed_at=now)
        Notice.objects.filter(pk__in=dropped).update(mail_state=MailState.DROPPED)
    counts.update(notice_emails=len(sent), notice_emails_dropped=len(dropped))
    return counts


def _recipients(delivery: str, **conditions):
    ids = (
        Notice.objects.filter(delivery=delivery, mail_state=MailState.PENDING, **conditions)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return User.objects.filter(pk__in=ids).order_by("pk")


def mail_notices() -> dict:
    """E-mail every pending e-mail notice once (see the module's docstring)."""
    counts = {"notice_emails": 0, "notice_emails_dropped": 0}
    users = list(_recipients(Delivery.EMAIL))
    if not users:
        return counts
    with get_connection(fail_silently=False) as mail:
        for user in users:
            # Until nothing is left for this user (more than one batch), or another
            # scheduler holds the rest.
            while True:
                result = _mail_one(user, mail)
                for name, value in result.items():
                    counts[name] += value
                if sum(result.values()) < BATCH:
                    break
    return counts


def day_start(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(today, time.min))


def _digest_one(user, today: date, mail) -> dict:
    counts = {"digests": 0, "digest_notices": 0, "digest_notices_dropped": 0}
    with transaction.atomic():
        locked = _lock(user, Delivery.DIGEST, created_at__lt=day_start(today))
        if not locked:
            return counts
        ok = _deliverable(user, locked)
        dropped = [n.pk for n in locked if n.pk not in ok]
        Notice.objects.filter(pk__in=dropped).update(mail_state=MailState.DROPPED)
        counts["digest_notices_dropped"] = len(dropped)
        todo = [n for n in locked if n.pk in ok]
        if not todo:
            return counts
        try:
            with transaction.atomic():
                Digest.objects.create(recipient=user, day=today, notices=len(todo))
        except IntegrityError:
            return counts  # today's digest went out already: these wait for tomorrow's
        with translation.override(settings.LANGUAGE_CODE):
            subject = ngettext(
                "Maatwerk: daily digest of %(day)s, %(count)s notification",
                "Maatwerk: daily digest of %(day)s, %(count)s notifications",
                len(todo),
            ) % {"count": len(todo), "day": date_format(today, "DATE_FORMAT")}
            body = "\n\n".join(
                [
                    _("Your daily digest of notifications in Maatwerk:"),
                    *(_line(notice) for notice in todo),
                    _footer(),
                ]
            )
            delivered = _send(user.email, subject, body, mail)
        state = MailState.SENT if delivered else MailState.DROPPED
        Notice.objects.filter(pk__in=[n.pk for n in todo]).update(
            mail_state=state, mailed_at=timezone.now() if delivered else None
        )
        if delivered:
            counts.update(digests=1, digest_notices=len(todo))
        else:
            counts["digest_notices_dropped"] += len(todo)
    return counts


def send_digests(*, today: date | None = None) -> dict:
    """Send each user with pending digest notices from before ``today`` one digest,
    once per day (see the module's docstring)."""
    today = today or timezone.localdate()
    counts = {"digests": 0, "digest_notices": 0, "digest_notices_dropped": 0}
    users = list(_recipients(Delivery.DIGEST, created_at__lt=day_start(today)))
    if not users:
        return counts
    with get_connection(fail_silently=False) as mail:
        for user in users:
            for name, value in _digest_one(user, today, mail).items():
                counts[name] += value
    return counts
