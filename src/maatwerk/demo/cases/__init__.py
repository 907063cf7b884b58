"""Demo cases: the seven example situations of the domain primer, one module a story,
told in our own words (see ``story`` for how a story is written and why it is
idempotent)."""

from django.db import transaction

from maatwerk.cases.models import Case

from . import (
    benefit_stopped,
    care_at_school,
    debt_and_violence,
    debt_within_a_year,
    eviction_over_cannabis,
    ex_partner_registered,
    room_rent_as_income,
)

SITUATIONS = [
    eviction_over_cannabis.create,
    room_rent_as_income.create,
    benefit_stopped.create,
    care_at_school.create,
    debt_and_violence.create,
    debt_within_a_year.create,
    ex_partner_registered.create,
]


def create_demo_cases() -> list[Case]:
    """Create the demo cases that do not exist yet; returns the ones created."""
    created = []
    for situation in SITUATIONS:
        with transaction.atomic():
            case = situation()
        if case is not None:
            created.append(case)
    return created
