"""Reads of notices. Every list starts from ``notices_for``: the user's own notices
whose object the user may still see (``policy.visible_q``: the owning app's policy,
rooted in ``cases.selectors.visible_cases``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from . import kinds
from .models import Kind, Notice, Preference, Profile
from .policy import visible_q


def notices_for(user) -> QuerySet[Notice]:
    """The user's notices that the user may (still) see, newest first."""
    if not user.is_authenticated or not user.is_active:
        return Notice.objects.none()
    return Notice.objects.filter(visible_q(user), recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """The header's number: one COUNT (over the partial index of unread notices)."""
    return notices_for(user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class Row:
    """What the centre (and a start page) shows of one notice."""

    notice: Notice
    message: str
    url: str

    @property
    def household(self) -> str:
        return self.notice.facts.get("household", "")

    @property
    def reference(self) -> str:
        return self.notice.facts.get("reference", "")

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None


def target_url(notice: Notice) -> str:
    try:
        return reverse(notice.url_name, args=notice.url_args)
    except NoReverseMatch:
        return reverse("notices:list")


def rows(notices: list[Notice]) -> list[Row]:
    """Rows for notices already fetched: no further query."""
    return [Row(n, kinds.render(n.kind, n.facts), target_url(n)) for n in notices]


def unread_for(user, limit: int = 5) -> list[Row]:
    """The user's newest unread notices (at most ``limit``), for a start page: one
    query. Showing them is a read of case data (pseudonym, reference): the page that
    shows them logs it (``audit.events.notifications_listed``)."""
    return rows(list(notices_for(user).filter(read_at__isnull=True)[:limit]))


def page_ids(user, *, offset: int, limit: int) -> list[int]:
    return list(notices_for(user).values_list("pk", flat=True)[offset : offset + limit])


def notices_by_ids(ids: list[int]) -> list[Notice]:
    by_id = {n.pk: n for n in Notice.objects.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def preferences_of(user) -> dict[str, str]:
    """Every kind's effective delivery for the user (one query)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: kinds.effective_delivery(kind, chosen.get(kind)) for kind in Kind.values}


def wants_team_cases(user) -> bool:
    return Profile.objects.filter(user=user, team_cases=True).exists()
