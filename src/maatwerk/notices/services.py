"""Writes of notices: producing them (in the transaction of the event: an outbox),
reading them, and the user's preferences. Delivery by e-mail is the scheduler's
(``notices.jobs``), never a page's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maatwerk.cases.models import Case

from . import kinds
from .models import Delivery, MailState, Notice, Preference, Profile

User = get_user_model()


def team_followers(case: Case):
    """The active members of the case's team who asked to hear about its cases too
    (``Profile.team_cases``)."""
    return User.objects.filter(
        is_active=True, teams=case.team_id, notice_profile__team_cases=True
    ).distinct()


def owner_and_team(case: Case) -> list:
    """The case owner, and the team members who want the team's notices."""
    people = {user.pk: user for user in team_followers(case)}
    if case.owner_id:
        people.setdefault(case.owner_id, case.owner)
    return list(people.values())


def _facts(facts: dict) -> dict:
    """Only the non-sensitive parts, dates as ISO text."""
    allowed = {"household", "reference", "organisation", "date", "due", "since", "level"}
    clean = {}
    for name, value in facts.items():
        if name not in allowed:
            raise ValueError(f"a notice cannot carry {name!r}")
        if isinstance(value, date):
            value = value.isoformat()
        clean[name] = value
    return clean


def notify(
    *,
    kind: str,
    recipients: Iterable,
    case: Case,
    subject: str,
    object_id: int,
    key: str,
    facts: dict,
    url_name: str,
    url_args: list | tuple = (),
    actor=None,
    mailed_by_producer: bool = False,
    record_inactive: bool = False,
) -> list[Notice]:
    """Create the notice ``key`` for each recipient, once (a recipient who has it
    already gets no second one), in the caller's transaction. Nothing for a closed
    case, for inactive users, for the ``actor`` (who did it), or for a user who
    switched the kind off. ``mailed_by_producer``: the producer sends its own e-mails
    (the overdue notices); the scheduler's delivery leaves these alone.
    ``record_inactive``: keep a row for an inactive recipient too (never shown: the
    producer's record that the event was announced)."""
    if case.status == Case.Status.CLOSED:
        return []
    people = {}
    for user in recipients:
        if user is None or (actor is not None and user.pk == actor.pk):
            continue
        if not user.is_active and not record_inactive:
            continue
        people.setdefault(user.pk, user)
    if not people:
        return []
    chosen = dict(
        Preference.objects.filter(user_id__in=people, kind=kind).values_list("user_id", "delivery")
    )
    clean = _facts(facts)
    rows = []
    for pk, user in people.items():
        delivery = kinds.effective_delivery(kind, chosen.get(pk))
        if delivery == Delivery.OFF:
            continue
        mails = delivery in (Delivery.EMAIL, Delivery.DIGEST) and bool(user.email)
        rows.append(
            Notice(
                recipient=user,
                case=case,
                kind=kind,
                key=key,
                subject=subject,
                object_id=object_id,
                facts=clean,
                url_name=url_name,
                url_args=list(url_args),
                delivery=delivery,
                mail_state=MailState.PENDING
                if mails and not mailed_by_producer
                else MailState.NONE,
            )
        )
    with transaction.atomic():
        return Notice.objects.bulk_create(rows, ignore_conflicts=True)


def mark_read(*, user, notice_id: int) -> bool:
    """Mark one of the user's notices as read. The user's own state: not logged."""
    return bool(
        Notice.objects.filter(recipient=user, pk=notice_id, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )


def mark_all_read(*, user) -> int:
    """Mark all of the user's unread notices as read; returns how many."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_save(*, user, choices: dict[str, str], team_cases: bool) -> None:
    """Store the user's choice per kind. A kind the law or the role requires cannot be
    switched off (nor kept in the app only), and a kind the user's role does not get
    cannot be chosen: those are field errors, and nothing is stored."""
    errors = {}
    offered = kinds.for_user(user)
    for kind, delivery in choices.items():
        info = kinds.KINDS.get(kind)
        if info is None or not info.configurable:
            errors[kind] = _("This notification cannot be changed.")
        elif kind not in offered:
            errors[kind] = _("Your role does not get this notification.")
        elif delivery not in info.choices:
            errors[kind] = _(
                "This notification is required for your role: choose e-mail or the daily digest."
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for kind, delivery in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )
        Profile.objects.update_or_create(user=user, defaults={"team_cases": team_cases})
