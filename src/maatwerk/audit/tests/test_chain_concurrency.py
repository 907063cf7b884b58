import threading

import pytest
from django.db import connection, connections

from maatwerk.audit.models import AccessLogEntry, Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.audit.verify import verify_chain


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent connections (PostgreSQL)")
    writers, rows_each = 4, 25
    barrier = threading.Barrier(writers)
    errors = []

    def writer(n):
        try:
            barrier.wait()
            for i in range(rows_each):
                log_access(
                    action=Action.READ,
                    processing_activity=ProcessingActivity.CASE_WORK,
                    actor_username=f"writer{n}",
                    detail=str(i),
                )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AccessLogEntry.objects.count() == writers * rows_each
    assert verify_chain() == (writers * rows_each, None)
