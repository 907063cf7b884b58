"""Send an e-mail notice once, under a lock: the pattern every scheduled notice
follows (docs/scheduler.md), in one place.

``send_once`` runs one transaction: it locks the object the notice is about (a row
another scheduler holds is skipped: it is being sent there, and the next run finds
its keyed rows), leaves out the recipients who got it already (``sent_to``: the keyed
rows of earlier runs), records the rest (``record``: creates those keyed rows) and
e-mails them. A failure while sending rolls all of it back, so the next run tries
again; a second run, or two schedulers at once, find the rows and send nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet


def send_once(
    *,
    locked: QuerySet,
    recipients: Callable[[object], Iterable],
    sent_to: Callable[[object], Iterable[int]],
    record: Callable[[object, list], None],
    texts: Callable[[object], tuple[str, str]],
    connection,
) -> int:
    """``locked``: the queryset of the one object (with the conditions under which it
    is still to be announced); ``recipients(obj)``: users with an e-mail address;
    ``sent_to(obj)``: the pks of the users who got it; ``record(obj, users)``: write the
    keyed rows; ``texts(obj)``: (subject, body). Returns how many were e-mailed."""
    with transaction.atomic():
        obj = locked.select_for_update(skip_locked=True, of=("self",)).first()
        if obj is None:
            return 0
        done = set(sent_to(obj))
        todo = [user for user in recipients(obj) if user.pk not in done]
        if not todo:
            return 0
        record(obj, todo)
        subject, body = texts(obj)
        for user in todo:
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[user.email],
                connection=connection,
            ).send()
    return len(todo)
