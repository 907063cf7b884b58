"""The load generator of `make bench` (scripts/bench_server.py starts it): locust,
headless, used as a library so that one process measures every point in turn.

    python scripts/bench_load.py PLAN.json RESULT.json

PLAN.json: {"host": "http://127.0.0.1:8765", "headers": {...}, "warmup": 3,
"points": [{"page": "...", "path": "/cases/", "cookie": "sessionid=...", "users": 16,
"seconds": 30}, ...]}. Every point is a closed loop: `users` simulated users request
the one page again and again without waiting (locust's FastHttpUser), for `seconds`.
A request counts as an error unless it answers 200 (a redirect, to the login page for
instance, is an error too), from the warm-up on. Response times are kept exactly (not
locust's rounded buckets) and written per point: count, errors, median, p95, p99, mean,
throughput. A page slower than the point waits for its first answer in the window.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, constant, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402


class Point:
    """The point being measured (the users read it; set before they start)."""

    path = "/"
    headers: dict = {}
    times: list[float] = []
    errors: dict[str, int] = {}
    measuring = False


class PageUser(FastHttpUser):
    wait_time = constant(0)
    # Longer than gunicorn's worker timeout (120 s): a slow page is measured (or
    # killed by the server, an error), not given up by the client.
    network_timeout = 180.0
    connection_timeout = 180.0

    @task
    def page(self):
        started = time.perf_counter()
        with self.client.get(
            Point.path,
            headers=Point.headers,
            allow_redirects=False,
            catch_response=True,
            name=Point.path,
        ) as response:
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                reason = f"HTTP {response.status_code}"
                if response.status_code in (301, 302):
                    reason += f" to {response.headers.get('Location', '?')}"
                response.failure(reason)
                # Counted from the warm-up on: any request that fails is an error.
                Point.errors[reason] = Point.errors.get(reason, 0) + 1
            else:
                response.success()
            if Point.measuring:
                Point.times.append(elapsed)


def percentile(ordered: list[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values."""
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def measure(env: Environment, host: str, base_headers: dict, point: dict, warmup: int) -> dict:
    Point.path = point["path"]
    Point.headers = {**base_headers, **({"Cookie": point["cookie"]} if point.get("cookie") else {})}
    Point.times, Point.errors, Point.measuring = [], {}, False
    users = point["users"]
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    # Warm up: every worker compiles its templates and fills its caches once (a few
    # requests per user, at most 10 seconds).
    deadline = time.monotonic() + 10
    while env.stats.total.num_requests < warmup * users and time.monotonic() < deadline:
        gevent.sleep(0.05)
    Point.times, Point.measuring = [], True
    started = time.perf_counter()
    gevent.sleep(point["seconds"])
    # A page slower than the point is long: wait for its first answer (at most 60 s).
    while not Point.times and time.perf_counter() - started < point["seconds"] + 60:
        gevent.sleep(0.05)
    Point.measuring = False
    elapsed = time.perf_counter() - started
    # Let every user finish the request it is waiting for (not counted), so that the
    # server is idle again before the next point: a killed client leaves its request
    # running in a worker, and the next point would wait behind it.
    runner.stop()
    runner.quit()
    env.runner = None
    env.stats.reset_all()
    ordered = sorted(Point.times)
    errors = sum(Point.errors.values())
    ms = 1000.0
    return {
        "page": point["page"],
        "path": point["path"],
        "role": point.get("role", ""),
        "users": users,
        "seconds": round(elapsed, 2),
        "requests": len(ordered),
        "errors": errors,
        "error_kinds": Point.errors,
        "median_ms": round(statistics.median(ordered) * ms, 2) if ordered else None,
        "p95_ms": round(percentile(ordered, 0.95) * ms, 2) if ordered else None,
        "p99_ms": round(percentile(ordered, 0.99) * ms, 2) if ordered else None,
        "mean_ms": round(statistics.fmean(ordered) * ms, 2) if ordered else None,
        "max_ms": round(ordered[-1] * ms, 2) if ordered else None,
        "rps": round(len(ordered) / elapsed, 2) if elapsed else 0.0,
    }


def rss_mb(pid: int) -> float | None:
    """The resident memory of a process, in MB (None when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def drain(database_url: str | None, limit: float = 300) -> None:
    """Waits until the server's database has no query running any more: the requests
    of the previous point are done, and the next point does not wait behind them."""
    if not database_url:
        return
    import psycopg

    deadline = time.monotonic() + limit
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            busy = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid()"
            ).fetchone()[0]
            if not busy:
                return
            time.sleep(0.2)


def main(plan_path: str, result_path: str) -> None:
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    PageUser.host = plan["host"]
    env = Environment(user_classes=[PageUser], events=events, host=plan["host"], stop_timeout=180)
    results = []
    skip_after = plan.get("skip_slower_than_ms")
    too_slow: dict[str, dict] = {}
    for number, point in enumerate(plan["points"], 1):
        slow = too_slow.get(point["page"])
        if slow and point["users"] > slow["users"]:
            # More users on a page that already takes longer than the limit with fewer
            # only queues requests past the server's timeout; reported as not measured.
            results.append({**slow, "users": point["users"], "skipped": True})
            print(f"  [{number:>2}/{len(plan['points'])}] {point['page']:<36} skipped", flush=True)
            continue
        drain(plan.get("database_url"))
        result = measure(env, plan["host"], plan.get("headers", {}), point, plan.get("warmup", 3))
        if skip_after and (result["errors"] or (result["median_ms"] or 0) > skip_after):
            too_slow[point["page"]] = {
                "page": point["page"],
                "path": point["path"],
                "role": point.get("role", ""),
                "requests": 0,
                "errors": 0,
                "error_kinds": {},
                "median_ms": None,
                "p95_ms": None,
                "p99_ms": None,
                "mean_ms": None,
                "max_ms": None,
                "rps": 0.0,
                "seconds": 0,
                "skipped_because": f"median {result['median_ms']:,.0f} ms, "
                f"{result['errors']} errors at {point['users']} users",
            }
        # The server's workers after this point (their memory must stay flat).
        result["worker_rss_mb"] = {str(pid): rss_mb(pid) for pid in plan.get("worker_pids", [])}
        results.append(result)
        print(
            f"  [{number:>2}/{len(plan['points'])}] {point['page']:<36} {point['users']:>3} users: "
            f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms, "
            f"{result['rps']} req/s, {result['errors']} errors",
            flush=True,
        )
        with open(result_path, "w", encoding="utf-8") as f:  # as far as it got
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
