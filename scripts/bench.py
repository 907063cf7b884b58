"""Benchmarks (`make bench`): figures, not pass/fail. Runs on a throw-away test
database of the configured kind (SQLite by default, PostgreSQL with DATABASE_URL).

Measures the access-log append (the hash chain serialises writers), the chain
verification, and the register search page with many organisations.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.conf.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def timed(fn, repeat=1):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


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

        print(f"database: {connection.vendor}")
        print(f"access log append: {rows / append_s:,.0f} rows/s ({rows} rows)")
        print(f"access log verify: {rows / verify_s:,.0f} rows/s")
        print(
            f"register search, 500 organisations: median {statistics.median(page) * 1000:.1f} ms,"
            f" {len(queries)} queries per page"
        )
        print(f"case list, 1,000 cases: median {statistics.median(cases_page) * 1000:.1f} ms")
        print(f"case page: median {statistics.median(case_page) * 1000:.1f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
