"""The municipality's own weighing: which tray a bundle goes to, with which priority.

A bundle's figures (``Figures``: its signals' types, total amount, most months in
arrears, number of creditors, whether an eviction or disconnection is announced, and
its deadline) are computed from its signals in Python, the same way for a bundle made
by an intake and for one refreshed later. ``place`` then walks the rules of the current
``RuleVersion`` in order; the first rule whose every condition holds wins. A bundle no
rule matches goes to no tray, with the lowest priority (``UNPLACED_PRIORITY``): it is
still in the triage queue, by deadline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .models import THREATENING, Rule, RuleVersion

UNPLACED_PRIORITY = 9


@dataclass
class Figures:
    """What the rules look at, and the cached columns of a bundle."""

    types: set[str] = field(default_factory=set)
    creditors: set[int] = field(default_factory=set)
    signal_count: int = 0
    total_amount: Decimal = Decimal("0.00")
    max_months: int = 0
    contact_due_on: date | None = None
    first_signal_on: date | None = None
    last_signal_on: date | None = None

    @property
    def threatening(self) -> bool:
        return bool(self.types & THREATENING)

    def add(
        self,
        *,
        type: str,
        creditor_id: int,
        amount: Decimal,
        months: int,
        due_on: date,
        signal_date: date,
        received_on: date,
    ) -> None:
        self.types.add(type)
        self.creditors.add(creditor_id)
        self.signal_count += 1
        self.total_amount += amount
        self.max_months = max(self.max_months, months)
        self.contact_due_on = min(filter(None, (self.contact_due_on, due_on)))
        self.first_signal_on = min(filter(None, (self.first_signal_on, signal_date)))
        self.last_signal_on = max(filter(None, (self.last_signal_on, received_on)))

    def bundle_values(self) -> dict:
        """The bundle's cached columns."""
        return {
            "signal_count": self.signal_count,
            "creditor_count": len(self.creditors),
            "total_amount": self.total_amount,
            "max_months": self.max_months,
            "threatening": self.threatening,
            "contact_due_on": self.contact_due_on,
            "last_signal_on": self.last_signal_on,
        }


def matches(rule: Rule, figures: Figures) -> bool:
    """Whether every condition that is set on ``rule`` holds for ``figures``."""
    if rule.signal_types and not figures.types & set(rule.signal_types):
        return False
    if rule.min_amount is not None and figures.total_amount < rule.min_amount:
        return False
    if rule.min_months is not None and figures.max_months < rule.min_months:
        return False
    if rule.min_creditors is not None and len(figures.creditors) < rule.min_creditors:
        return False
    return not (rule.threatening and not figures.threatening)


def current_rules() -> tuple[RuleVersion | None, list[Rule]]:
    """The current version (the highest number) and its rules, in order (2 queries)."""
    version = RuleVersion.objects.order_by("-number").first()
    if version is None:
        return None, []
    return version, list(version.rules.select_related("tray").order_by("position"))


def place(figures: Figures, version: RuleVersion | None, rules: Iterable[Rule]) -> dict:
    """The placement columns of a bundle with these figures: tray, priority, the rule
    that placed it and its version."""
    for rule in rules:
        if matches(rule, figures):
            return {
                "tray_id": rule.tray_id,
                "priority": rule.priority,
                "rule_id": rule.pk,
                "rule_version_id": version.pk if version else None,
            }
    return {
        "tray_id": None,
        "priority": UNPLACED_PRIORITY,
        "rule_id": None,
        "rule_version_id": version.pk if version else None,
    }
