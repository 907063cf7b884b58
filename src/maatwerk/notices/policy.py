"""Who may (still) see a notice: the owning app's policy, registered per subject.

A notice is about one object (its ``subject``: ``journeys.request``,
``budgets.spend``, ``meetings.meeting`` or ``cases.case``) of one case. The notices
app sits below the apps that produce notices (the layer contract), so it cannot ask
their policy itself: each producing app registers, in its ``AppConfig.ready()``, a
function ``user -> queryset of the pks of that subject the user may see`` (derived
from ``cases.selectors.visible_cases``). A notice whose subject has no registered
function is never shown (fail closed), and a notice whose object the recipient can no
longer see disappears from the centre and is not e-mailed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet

CASE = "cases.case"

_SUBJECTS: dict[str, Callable[[object], QuerySet]] = {}


def register_subject(subject: str, visible_pks: Callable[[object], QuerySet]) -> None:
    """``visible_pks(user)``: a ``values("pk")`` queryset (one subquery, not a list)."""
    _SUBJECTS[subject] = visible_pks


def subjects() -> list[str]:
    return sorted(_SUBJECTS)


def visible_q(user) -> Q:
    """The condition on notices of ``user`` that the user may still see: one OR of
    correlated EXISTS, so counting or listing stays one query, and the database looks
    up each of the user's notices' objects by primary key (instead of first listing
    everything the user may see, which grows with the team's cases)."""
    condition = Q(pk__in=[])
    for subject, visible_pks in _SUBJECTS.items():
        found = visible_pks(user).filter(pk=OuterRef("object_id"))
        condition |= Q(subject=subject) & Exists(found)
    return condition
