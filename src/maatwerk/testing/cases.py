"""Bulk-created cases for tests and benchmarks (the services are tested on their own)."""

from django.utils import timezone

from maatwerk.cases.models import Case, Household, Perspective
from maatwerk.register.models import LifeDomain


def make_cases(team, owner, count, start=0):
    """Bulk-create cases (with two life domains and a first perspective) for tests
    and measurements; the services are tested on their own."""
    domains = list(LifeDomain.objects.filter(code__in=["finances", "housing"]))
    households = Household.objects.bulk_create(
        [
            Household(pseudonym=f"HH-T{start + i:06d}", composition="single", adults=1)
            for i in range(count)
        ]
    )
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        [
            Case(
                reference=f"T-{start + i:06d}",
                source=team.organisation.name,
                household=household,
                team=team,
                owner=owner,
                opened_on=today,
                needed="Rust",
                primary_domain=domains[0],
            )
            for i, household in enumerate(households)
        ]
    )
    through = Case.life_domains.through
    through.objects.bulk_create(
        [through(case_id=c.pk, lifedomain_id=d.pk) for c in cases for d in domains]
    )
    Perspective.objects.bulk_create(
        [
            Perspective(
                case=c,
                version=1,
                text="Wij willen rust",
                audience="household",  # as case_open writes the first version
                recorded_on=today,
                confirmation="first",
                recorded_by=owner,
            )
            for c in cases
        ]
    )
    return cases
