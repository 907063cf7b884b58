"""Benchmarks (`make bench`): figures, not pass/fail. Runs on a throw-away test
database of the configured kind (SQLite by default, PostgreSQL with DATABASE_URL).

Measures the access-log append (the hash chain serialises writers), the chain
verification, the register search page with many organisations, the case pages, and
the budget figures (team overviews and open receivables) over many teams and spends.
"""

import os
import statistics
import sys
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.conf.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def timed(fn, repeat=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def counted(fn):
    """Run ``fn`` once and return the number of SQL queries it made."""
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return len(queries)


def make_spends(teams_count: int, spends_per_team: int) -> None:
    """Bulk-create a budget per team for this year with spends, ledger entries,
    reversals, bridging candidates and settlements (the services are tested on their
    own; this is volume for the selectors)."""
    from datetime import timedelta
    from decimal import Decimal

    from maatwerk.budgets.models import Budget, LedgerEntry, Settlement, Spend
    from maatwerk.testing.cases import make_cases
    from maatwerk.testing.factories import OrganisationFactory, TeamFactory, UserFactory

    today = timezone.localdate()
    first = date(today.year, 1, 1)
    days = (today - first).days + 1
    purposes = ["housing", "deposit", "health", "transport", "debts", "work_education"]
    payees = ["landlord", "care_provider", "supplier", "creditor", "education"]
    organisations = [OrganisationFactory(name=f"Bench organisatie {i}") for i in range(8)]
    professional = UserFactory(roles=["professional"])
    states = Spend.State
    for t in range(teams_count):
        team = TeamFactory()
        cases = make_cases(team, professional, 25, start=10_000 + t * 25)
        budget = Budget.objects.create(
            team=team,
            year=today.year,
            amount=Decimal("1000000.00"),
            approval_threshold=Decimal("1000.00"),
        )
        spends = Spend.objects.bulk_create(
            [
                Spend(
                    budget=budget,
                    case=cases[i % len(cases)],
                    on=first + timedelta(days=i % days),
                    amount=Decimal(100 + (i * 37) % 1500),
                    purpose_category=purposes[i % len(purposes)],
                    description="Bench",
                    payee_category=payees[i % len(payees)],
                    bridging=i % 10 == 0,
                    state=states.AWAITING_APPROVAL if i % 20 == 1 else states.BOOKED,
                    requested_by=professional,
                )
                for i in range(spends_per_team)
            ]
        )
        booked = [spend for spend in spends if spend.state == states.BOOKED]
        bridging = [spend for spend in booked if spend.bridging]
        entries = [
            LedgerEntry(
                budget=budget,
                spend=spend,
                kind="spend",
                on=spend.on,
                amount=spend.amount,
                entered_by=professional,
            )
            for spend in booked
        ] + [
            LedgerEntry(
                budget=budget,
                spend=spend,
                kind="reversal",
                on=spend.on,
                amount=spend.amount / 2,
                reason="Bench",
                entered_by=professional,
            )
            for spend in booked[3::50]
        ]
        LedgerEntry.objects.bulk_create(entries)
        through = Spend.responsible_candidates.through
        through.objects.bulk_create(
            [
                through(spend_id=spend.pk, organisation_id=organisations[(j + k) % 8].pk)
                for j, spend in enumerate(bridging)
                for k in range(2)
            ]
        )
        Settlement.objects.bulk_create(
            [
                Settlement(
                    spend=spend,
                    responsible=organisations[j % 8],
                    amount=spend.amount / 4,
                    on=spend.on,
                    final=j % 6 == 0,
                    entered_by=professional,
                )
                for j, spend in enumerate(bridging[::2])
            ]
        )


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        from maatwerk.audit.models import Action, ProcessingActivity
        from maatwerk.audit.services import log_access
        from maatwerk.audit.verify import verify_chain
        from maatwerk.register.models import LifeDomain
        from maatwerk.testing.factories import OrganisationFactory, UserFactory

        rows = 2000

        def append():
            for i in range(rows):
                log_access(
                    action=Action.READ,
                    processing_activity=ProcessingActivity.CASE_WORK,
                    actor_username="bench",
                    household=f"HH-{i:04d}",
                )

        (append_s,) = timed(append)
        (verify_s,) = timed(lambda: verify_chain())

        domains = list(LifeDomain.objects.all()[:3])
        for _ in range(500):
            OrganisationFactory().life_domains.set(domains)
        user = UserFactory(roles=["coordinator"])
        client = Client()
        client.force_login(user)
        assert client.get("/register/").status_code == 200  # warm up
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get("/register/", {"q": "organisatie"})
        assert response.status_code == 200, response.status_code
        page = timed(lambda: client.get("/register/", {"q": "organisatie"}), repeat=20)

        from maatwerk.testing.cases import make_cases
        from maatwerk.testing.factories import TeamFactory

        team = TeamFactory()
        professional = UserFactory(roles=["professional"], teams=[team])
        make_cases(team, professional, 1000)
        client.force_login(professional)
        assert client.get("/cases/").status_code == 200
        cases_page = timed(lambda: client.get("/cases/"), repeat=20)
        case_id = professional.owned_cases.values_list("pk", flat=True).first()
        case_page = timed(lambda: client.get(f"/cases/{case_id}/"), repeat=20)

        from maatwerk.budgets import selectors as budget_selectors
        from maatwerk.budgets.models import LedgerEntry, Spend

        teams_count, spends_per_team = 20, 500
        make_spends(teams_count, spends_per_team)
        coordinator = UserFactory(roles=["coordinator"])
        year = timezone.localdate().year

        def overviews():
            result = budget_selectors.team_overviews(coordinator, year)
            assert len(result) == teams_count, len(result)

        def receivables():
            assert list(budget_selectors.open_receivables(coordinator))

        def by_organisation():
            assert budget_selectors.receivables_by_organisation(coordinator)

        budget_runs = [
            (f"team overviews, coordinator ({teams_count} teams)", overviews),
            ("open receivables (list)", receivables),
            ("open receivables by organisation", by_organisation),
        ]
        budget_lines = []
        for label, fn in budget_runs:
            fn()  # warm up
            queries_count = counted(fn)
            median = statistics.median(timed(fn, repeat=10)) * 1000
            queries_label = "query" if queries_count == 1 else "queries"
            budget_lines.append(f"{label}: median {median:.1f} ms, {queries_count} {queries_label}")

        print(f"database: {connection.vendor}")
        print(f"access log append: {rows / append_s:,.0f} rows/s ({rows} rows)")
        print(f"access log verify: {rows / verify_s:,.0f} rows/s")
        print(
            f"register search, 500 organisations: median {statistics.median(page) * 1000:.1f} ms,"
            f" {len(queries)} queries per page"
        )
        print(f"case list, 1,000 cases: median {statistics.median(cases_page) * 1000:.1f} ms")
        print(f"case page: median {statistics.median(case_page) * 1000:.1f} ms")
        print(
            f"budgets: {teams_count} teams × {spends_per_team} spends"
            f" ({Spend.objects.count():,} spends, {LedgerEntry.objects.count():,} ledger entries,"
            f" {Spend.objects.filter(bridging=True).count():,} bridging)"
        )
        for line in budget_lines:
            print(f"  {line}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
