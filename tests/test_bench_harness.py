"""The parts of `make bench` (scripts/bench_server.py) that can be checked without a
server: finding the pages by URL name and link relation, and judging a run against the
targets of issue 17. The whole harness runs in CI as `make bench-smoke`."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_server.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_server", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_links_are_found_by_url_name_and_rel(bench):
    body = """
      <a href="/cases/12/">case</a>
      <a rel="next" href="?q=x&amp;page=2">next</a>
      <a href="https://elsewhere.example.org/cases/13/">not ours</a>
      <a href="/bestaat-niet/">unknown</a>
      <a>no href</a>
    """
    found = bench.links("http://127.0.0.1:8765/cases/", body)
    assert found == [
        ("/cases/12/", "", "cases:case_detail"),
        ("/cases/?q=x&page=2", "next", "cases:case_list"),
    ]


def point(page, users, *, median=10.0, p95=20.0, rps=100.0, errors=0):
    return {
        "page": page,
        "role": "professional",
        "users": users,
        "requests": 10,
        "errors": errors,
        "error_kinds": {},
        "median_ms": median,
        "p95_ms": p95,
        "p99_ms": p95,
        "rps": rps,
    }


def a_run(results, workers=None):
    return {
        "results": results,
        "workers": workers or [{"pid": 1, "start_mb": 100.0, "end_mb": 101.0}],
    }


def test_a_run_that_meets_the_targets(bench):
    run = a_run(
        [
            point("bare view, anonymous", 1, median=2, rps=400),
            point("bare view, logged in", 1, median=3, rps=300),
            point("case page", 1, median=40),
            point("bare view, anonymous", 16, rps=400),
            point("bare view, logged in", 16, rps=300),
            point("case page", 16, p95=200, rps=100),
        ]
    )
    verdicts = bench.verdicts(run)
    assert all(met for _, _, met in verdicts), verdicts
    assert {target for target, _, _ in verdicts} >= {
        "case page: median ≤ 50 ms at 1 user",
        "case page: p95 ≤ 250 ms at 16 users",
        "zero errors",
    }


def test_errors_slow_pages_and_growing_memory_miss_the_targets(bench):
    run = a_run(
        [
            point("case page", 1, median=40),
            point("bare view, anonymous", 16, rps=400),
            point("bare view, logged in", 16, rps=100),
            point("case page", 16, p95=900, rps=10, errors=3),
        ],
        workers=[{"pid": 1, "start_mb": 100.0, "end_mb": 150.0}],
    )
    missed = {target: measured for target, measured, met in bench.verdicts(run) if not met}
    assert missed["zero errors"] == "3 errors"
    assert "case page" in missed["every page: p95 ≤ 500 ms at 16 users"]
    assert "case page: p95 ≤ 250 ms at 16 users" in missed
    assert any(t.startswith("logged-in bare view within 2×") for t in missed)
    assert any(t.startswith("case page throughput ≥ 25%") for t in missed)
    assert missed[
        "memory of a worker flat under load (RSS growth < 10% after the first round)"
    ] == ("largest growth +50%")


def test_the_precedent_benchmark_writes_its_own_section_and_keeps_the_rest(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "bench_precedents", SCRIPT.parent / "bench_precedents.py"
    )
    precedents = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(precedents)
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n\n## 10,000 cases\n\ngenerated\n")
    precedents.write("### SQLite 3, 10 precedents\n\nfirst", report)
    precedents.write("### PostgreSQL 15, 10 precedents\n\npg", report)
    precedents.write("### SQLite 3, 10 precedents\n\nsecond", report)
    text = report.read_text()
    assert text.startswith("# Benchmarks\n\n## 10,000 cases\n\ngenerated\n")
    assert text.count(precedents.KEPT_MARKER) == 1 and text.count(precedents.HEADING) == 1
    assert "second" in text and "first" not in text and "pg" in text
    assert text.index("### PostgreSQL") < text.index("### SQLite")
