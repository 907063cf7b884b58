"""What each kind of notice says, how it is delivered by default, and which
deliveries a user may choose for it (the law or the role may require one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from maatwerk.register.models import EscalationStep

from .models import Delivery, Kind

ANY = (Delivery.OFF, Delivery.APP, Delivery.EMAIL, Delivery.DIGEST)
# A notice the role or the law requires may go to the daily digest, never away, and
# never stay in the app only: the person who must act has to hear of it.
REQUIRED = (Delivery.EMAIL, Delivery.DIGEST)
DATE_FACTS = ("date", "due", "since")


@dataclass(frozen=True)
class KindInfo:
    message: str
    default: str = Delivery.EMAIL
    choices: tuple = ANY
    # False: delivered by its producer (the overdue notice's own e-mails); the user
    # cannot change it.
    configurable: bool = True
    # The permissions of the roles that get this kind (any of them): the preferences
    # page offers a user only the kinds of their role(s).
    for_perms: tuple = ()

    @property
    def required(self) -> bool:
        return Delivery.OFF not in self.choices


# Who gets which kind (docs/notices.md, "Who gets what"), as the permission of the role.
DECIDES = ("journeys.decide_request",)  # the decision makers of an organisation
OWNS_CASES = ("cases.change_case",)  # the case owner and the team
SPENDS = ("cases.change_case", "budgets.add_spend")  # who asked for a spend, the owner
COORDINATES = ("cases.view_escalated_case",)  # the coordinators

KINDS: dict[str, KindInfo] = {
    Kind.NEW_REQUEST: KindInfo(
        _(
            "New request %(reference)s of household %(household)s to %(organisation)s; "
            "the answer is due on %(due)s."
        ),
        choices=REQUIRED,
        for_perms=DECIDES,
    ),
    Kind.INFORMATION_PROVIDED: KindInfo(
        _(
            "The information asked for request %(reference)s of household %(household)s "
            "was provided on %(date)s."
        ),
        for_perms=DECIDES,
    ),
    Kind.ESCALATED: KindInfo(
        _(
            "Request %(reference)s of household %(household)s was escalated to level "
            "%(level)s at %(organisation)s on %(date)s."
        ),
        choices=REQUIRED,
        for_perms=DECIDES,
    ),
    Kind.REFUSED: KindInfo(
        _("%(organisation)s refused request %(reference)s of household %(household)s on %(date)s."),
        for_perms=OWNS_CASES,
    ),
    Kind.INFORMATION_REQUESTED: KindInfo(
        _(
            "%(organisation)s asked for information on request %(reference)s of household "
            "%(household)s on %(date)s."
        ),
        for_perms=OWNS_CASES,
    ),
    Kind.CONDITION_ADDED: KindInfo(
        _(
            "%(organisation)s added a condition to request %(reference)s of household "
            "%(household)s on %(date)s."
        ),
        for_perms=OWNS_CASES,
    ),
    Kind.REDIRECTED: KindInfo(
        _(
            "%(organisation)s redirected request %(reference)s of household %(household)s "
            "on %(date)s."
        ),
        for_perms=OWNS_CASES,
    ),
    Kind.APPROVED: KindInfo(
        _(
            "%(organisation)s approved request %(reference)s of household %(household)s "
            "on %(date)s."
        ),
        for_perms=OWNS_CASES,
    ),
    Kind.SPEND_APPROVED: KindInfo(
        _("Spend %(reference)s for household %(household)s was approved on %(date)s."),
        for_perms=SPENDS,
    ),
    Kind.SPEND_REFUSED: KindInfo(
        _("Spend %(reference)s for household %(household)s was refused on %(date)s."),
        for_perms=SPENDS,
    ),
    Kind.MEETING_PLANNED: KindInfo(
        _("Household %(household)s is on the agenda of the doorbraaktafel of %(date)s."),
        for_perms=OWNS_CASES,
    ),
    Kind.LEARNING_POINT: KindInfo(
        _("A learning point was linked to the case of household %(household)s on %(date)s."),
        default=Delivery.APP,
        for_perms=OWNS_CASES,
    ),
    Kind.PRECEDENT: KindInfo(
        _("A precedent was linked to the case of household %(household)s on %(date)s."),
        default=Delivery.APP,
        for_perms=OWNS_CASES,
    ),
    Kind.NATIONAL_LEVEL: KindInfo(
        _(
            "Request %(reference)s of household %(household)s to %(organisation)s reached "
            "the national escalation level on %(date)s."
        ),
        choices=REQUIRED,
        for_perms=COORDINATES,
    ),
    Kind.OVERDUE: KindInfo(
        _(
            "Request %(reference)s of household %(household)s to %(organisation)s was "
            "due on %(due)s and is overdue since %(since)s. Proposed next step: "
            "escalation level %(level)s (%(label)s)."
        ),
        default=Delivery.APP,
        choices=(Delivery.APP,),
        configurable=False,
        for_perms=OWNS_CASES + DECIDES,
    ),
}


def for_user(user) -> list[str]:
    """The kinds a user may get, by their role(s): those the preferences page offers."""
    return [kind for kind, info in KINDS.items() if any(user.has_perm(p) for p in info.for_perms)]


def effective_delivery(kind: str, chosen: str | None) -> str:
    """The delivery of ``kind`` for a user who chose ``chosen`` (None: no choice made);
    a choice the kind does not allow (stored before it became required) gives way to
    the default."""
    info = KINDS[kind]
    if not info.configurable or chosen not in info.choices:
        return info.default
    return chosen


OVERDUE_BEYOND_ROUTE = _(
    "Request %(reference)s of household %(household)s to %(organisation)s was due on "
    "%(due)s and is overdue since %(since)s, at the highest escalation level. Proposed "
    "next step: the doorbraaktafel or the coordinator."
)


def render(kind: str, facts: dict) -> str:
    """The message of a notice, in the active language, from its facts."""
    values = {"household": "", "reference": "", "organisation": "", "level": "", "label": ""}
    for name, value in facts.items():
        if name in DATE_FACTS and value:
            value = date_format(date.fromisoformat(value), "DATE_FORMAT")
        values[name] = value
    info = KINDS.get(kind)
    if info is None:
        return ""
    message = info.message
    if kind == Kind.OVERDUE and facts.get("level"):
        level = int(facts["level"])
        if level in EscalationStep.Level.values:
            values["label"] = EscalationStep.Level(level).label
        else:
            # Beyond the last level of the route (journeys.workflow.BEYOND_ROUTE): not
            # the same level again, but the doorbraaktafel or the coordinator.
            message = OVERDUE_BEYOND_ROUTE
    try:
        return str(message) % values
    except (KeyError, ValueError, TypeError):
        return str(info.message)
