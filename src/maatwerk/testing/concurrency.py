"""Running service calls at the same moment on real database connections (the
PostgreSQL concurrency tests: a thread gets a connection of its own)."""

import threading

from django.db import connections
from django.utils import translation


def run_in_threads(*targets, together: bool = True) -> list:
    """Run each target in its own thread (and database connection), all starting at
    the same moment unless ``together`` is false; returns what each returned or
    raised, in order."""
    outcomes: list = [None] * len(targets)
    barrier = threading.Barrier(len(targets))

    def runner(i, target):
        try:
            if together:
                barrier.wait(timeout=10)
            with translation.override("en"):
                outcomes[i] = target()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a thread hangs (a lock that is never released?)"
    return outcomes
