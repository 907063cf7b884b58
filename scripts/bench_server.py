"""`make bench`: the pages a user waits on, measured against a production server.

1. Data: a PostgreSQL database per size and seed (`maatwerk_bench_<N>`, with the seed
   appended when it is not 1), filled once with `maatwerk generate-data --cases N` and
   kept: the next run with the same size and seed reuses it.
2. Server: gunicorn with BENCH_WORKERS workers (3), the production settings (DEBUG off,
   the environment of docs/setup.md, static files collected into a temporary
   STATIC_ROOT). The bench plays the HTTPS proxy: it sends `X-Forwarded-Proto: https`
   and the server trusts it (`MAATWERK_BEHIND_HTTPS_PROXY`), so plain HTTP on
   localhost is not redirected and the cookies stay `Secure`, as in production.
3. Users: the generator's users of the regular roles (never superusers) log in through
   the login form, like a browser (CSRF token, password); their session cookies are
   then used by the simulated users.
4. Pages: found by URL name (`cases:case_list`, ...) and by following the links on the
   pages themselves (the first case on the list, its first request, the `rel="next"`
   link for a deep page), so the bench does not depend on how a page is built.
5. Load: locust, headless (scripts/bench_load.py), every page on its own for
   BENCH_SECONDS at each of BENCH_USERS concurrent users.
6. Report: docs/benchmarks.md and docs/benchmarks.json (one entry per data size; a run
   replaces the entry of its size), with the machine, the load average, the commit,
   the RSS of each worker at the start and the end, and the targets of issue 17.

Environment: BENCH_CASES (100000), BENCH_SEED (1), BENCH_SECONDS (30), BENCH_USERS
(1,16), BENCH_WORKERS (3), BENCH_PORT (8765), BENCH_DEEP_PAGES (20), BENCH_PG (the
server, default postgres://$USER@127.0.0.1:5432), BENCH_OUT (docs/benchmarks).
`--smoke` (make bench-smoke): small data, one second per point, the report in
var/bench/, and a non-zero exit when any page answers anything but 200 or cannot be
found.
"""

import argparse
import hashlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
VAR = ROOT / "var" / "bench"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

# The starting point (issue 17), shown next to the measured figures.
STARTING_TABLE = """\
| page | 1,000 cases, 1 user | 10,000 cases, 1 user | 10,000 cases, 16 users (median / p95) |
|---|---|---|---|
| bare view, anonymous | 1.3 ms | 1.1 ms | 10 / 22 ms |
| bare view, logged in (6 queries incl. a session UPDATE) | 20 ms | 20 ms | 300 / 420 ms |
| case list (team) | 107 ms | **406 ms** | 3,300 / 4,250 ms |
| case list, "needs attention" | 111 ms | **537 ms** | 4,100 / 4,530 ms |
| work queue (team) | 180 ms | **439 ms** | 2,850 / 3,470 ms |
| case page (39 queries) | 102 ms | 100 ms | 870 / 1,070 ms |
| register search | 62 ms | 54 ms | 450 / 560 ms |

At 100,000 cases the case list took 2.9 s at 1 user (p95 28 s at 16 users), "needs
attention" 5.2 s, the team's work queue 3.2 s."""


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- the environment -------------------------------------------------------------------


def secrets_file() -> dict:
    """The bench installation's keys, made once and kept in var/bench/ (a reused
    database needs the same field keys)."""
    path = VAR / "keys.json"
    if path.exists():
        keys = json.loads(path.read_text())
        # A key added since the keys were made (the early signals' match key).
        if "MAATWERK_SIGNAL_MATCH_KEY" not in keys:
            keys["MAATWERK_SIGNAL_MATCH_KEY"] = secrets.token_urlsafe(32)
            path.write_text(json.dumps(keys))
        return keys
    from cryptography.fernet import Fernet

    keys = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MAATWERK_FIELD_KEYS": Fernet.generate_key().decode(),
        "MAATWERK_AUDIT_CHECKPOINT_KEY": secrets.token_urlsafe(32),
        "MAATWERK_SIGNAL_MATCH_KEY": secrets.token_urlsafe(32),
    }
    VAR.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(keys))
    path.chmod(0o600)
    return keys


def production_env(database_url: str, var_dir: Path, port: int) -> dict:
    """The production environment of docs/setup.md, for this machine."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER", "LOGNAME")
    }
    env.update(secrets_file())
    env.update(
        {
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "maatwerk.conf.settings",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
            "DATABASE_URL": database_url,
            "MAATWERK_VAR_DIR": str(var_dir),
            "STATIC_ROOT": str(var_dir / "static"),
            "MAATWERK_BEHIND_HTTPS_PROXY": "true",
            "EMAIL_HOST": "localhost",  # nothing is sent: the scheduler does not run
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def maatwerk(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "maatwerk"), *args], env=env, check=True, **kwargs)  # noqa: S603


# --- the data --------------------------------------------------------------------------


def pg_connect(server: str, dbname: str):
    import psycopg

    return psycopg.connect(f"{server}/{dbname}", autocommit=True)


def code_digest() -> str:
    """What the data depends on: the generator and the migrations. When either
    changed since the database was generated, it is generated again."""
    digest = hashlib.sha256()
    src = ROOT / "src" / "maatwerk"
    files = sorted([*src.glob("demo/generate/*.py"), *src.glob("*/migrations/*.py")])
    for path in files:
        digest.update(str(path.relative_to(src)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_data(server: str, cases: int, seed: int, env_for) -> dict:
    """The database for this size and seed, generated when it is not there yet, when
    a previous generation did not finish, or when the generator or the migrations
    changed since. Returns its description."""
    dbname = f"maatwerk_bench_{cases}" + (f"_s{seed}" if seed != 1 else "")
    meta_path = VAR / f"{dbname}.json"
    digest = code_digest()
    with pg_connect(server, "postgres") as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
        if exists and meta and meta.get("code_digest") == digest:
            log(f"reusing {dbname} (generated {meta['generated_at']})")
            return meta
        if exists:
            why = "the generator or the migrations changed" if meta else "it was not finished"
            log(f"{dbname} exists but {why}: dropping it")
            meta_path.unlink(missing_ok=True)
            conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    env = env_for(f"{server}/{dbname}")
    log(f"migrating {dbname}")
    maatwerk(env, "migrate", "--no-input", "-v", "0")
    log(f"generating {cases:,} cases (seed {seed})")
    users_file = VAR / f"{dbname}.users.json"
    started = time.monotonic()
    result = maatwerk(
        env,
        "generate-data",
        "--cases",
        str(cases),
        "--seed",
        str(seed),
        "--force",  # DEBUG is off: this is a benchmark installation
        "--users-file",
        str(users_file),
        "-v",
        "2",
        stdout=subprocess.PIPE,
        text=True,
    )
    seconds = time.monotonic() - started
    print(result.stdout, flush=True)
    rows = {}
    for line in result.stdout.splitlines():
        found = re.match(r"^\s+([a-z_]+)\s+([\d,]+)$", line)
        if found:
            rows[found.group(1)] = int(found.group(2).replace(",", ""))
    meta = {
        "database": dbname,
        "cases": cases,
        "seed": seed,
        "code_digest": digest,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generation_seconds": round(seconds, 1),
        "rows": rows,
        "total_rows": sum(rows.values()),
        **json.loads(users_file.read_text()),
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    return meta


# --- the server ------------------------------------------------------------------------


def start_server(env: dict, port: int, workers: int, logfile: Path) -> subprocess.Popen:
    out = logfile.open("w")
    server = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "maatwerk.conf.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at the start; see {logfile}")
        try:
            status, _, _ = http_get(f"http://127.0.0.1:{port}/health/", {})
            if status == 200 and len(worker_pids(server.pid)) == workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer within a minute; see {logfile}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def worker_pids(master: int) -> list[int]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return sorted(int(pid) for pid in text.split())


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


# --- HTTP as a browser -----------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def http_get(url: str, headers: dict, data: bytes | None = None):
    request = urllib.request.Request(url, data=data, headers={**PROXY_HEADERS, **headers})  # noqa: S310
    try:
        with OPENER.open(request, timeout=180) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def cookies_from(headers) -> dict:
    found = {}
    for value in headers.get_all("Set-Cookie") or []:
        name, _, rest = value.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def cookie_header(cookies: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def log_in(base: str, username: str, password: str) -> str:
    """Logs in through the login form; returns the Cookie header of the session."""
    login = base + "/accounts/login/"
    status, headers, body = http_get(login, {})
    if status != 200:
        raise SystemExit(f"the login page answered {status}")
    cookies = cookies_from(headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    status, headers, body = http_get(
        login,
        {
            "Cookie": cookie_header(cookies),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": login.replace("http://", "https://"),
            "Origin": base.replace("http://", "https://"),
        },
        data=form,
    )
    cookies.update(cookies_from(headers))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"{username} could not log in (HTTP {status})")
    return cookie_header(cookies)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attributes = dict(attrs)
            if attributes.get("href"):
                self.links.append((attributes["href"], attributes.get("rel") or ""))


def links(page_url: str, body: str) -> list[tuple[str, str, str]]:
    """(path with query, rel, URL name) of every same-site link on a page."""
    from django.urls import Resolver404, resolve

    parser = Links()
    parser.feed(body)
    found = []
    for href, rel in parser.links:
        url = urllib.parse.urlsplit(urllib.parse.urljoin(page_url, href))
        if url.netloc and url.netloc != urllib.parse.urlsplit(page_url).netloc:
            continue
        try:
            match = resolve(url.path)
        except Resolver404:
            continue
        path = url.path + (f"?{url.query}" if url.query else "")
        found.append((path, rel, match.view_name))
    return found


# --- the pages -------------------------------------------------------------------------


def choose_users(meta: dict) -> dict:
    """The generator's users by the part they play (docs/performance.md, "Logging in")."""
    users = meta["users"]

    def first(role, scope_start=""):
        for user in users:
            if user["role"] == role and user["scope"].startswith(scope_start):
                return user
        return None

    return {
        "professional": first("professional", "team"),  # the largest team: narrow access
        "budget holder": first("budget_holder", "team"),
        "decision maker": first("decision_maker", "organisation (most"),
        "coordinator": first("coordinator"),  # national: every escalated case
    }


def discover(base: str, cookies: dict, deep_pages: int) -> tuple[list[dict], list[str]]:
    """The pages to measure, as (page, role, path); what could not be found."""
    from django.urls import reverse

    pages: list[dict] = []
    missing: list[str] = []

    def get(role, path):
        status, _, body = http_get(base + path, {"Cookie": cookies[role]})
        if status != 200:
            raise SystemExit(f"{path} answered {status} for the {role}")
        return body

    def add(page, role, path):
        if role:
            get(role, path)  # it must answer now
        pages.append({"page": page, "role": role or "anonymous", "path": path})

    health = reverse("web:health")
    add("bare view, anonymous", None, health)
    add("bare view, logged in", "professional", health)
    cases = reverse("cases:case_list")
    add("case list (team)", "professional", cases)
    add("case list (coordinator: national)", "coordinator", cases)
    add("case list, filtered (finances)", "professional", cases + "?domain=finances")
    body = get("professional", cases)
    pseudonym = re.search(r"\bHG-[A-Z0-9]+\b", body)
    add(
        "case list, searched (pseudonym)",
        "professional",
        cases + "?" + urllib.parse.urlencode({"q": pseudonym.group(0) if pseudonym else "HG-"}),
    )
    add('case list, "needs attention"', "professional", cases + "?attention=on")
    # A deep page: follow "next" (rel="next", whatever the pagination puts in the URL).
    path, depth = cases, 1
    while depth < deep_pages:
        page_links = links(base + path, get("professional", path))
        following = [p for p, rel, _ in page_links if rel == "next"]
        if not following:
            break
        path, depth = following[0], depth + 1
    if depth > 1:
        add(f"case list, deep page ({depth})", "professional", path)
    else:
        missing.append("case list, deep page (the list has one page)")

    # A case with a journey: the one of the first request in the team's work queue
    # (the newest cases on the list are still in intake, without plans or requests).
    queue = reverse("journeys:queue") + "?scope=team"
    queued = [
        p
        for p, _, n in links(base + queue, get("professional", queue))
        if n == "journeys:request_detail"
    ]
    case_links = [p for p, _, name in links(base + cases, body) if name == "cases:case_detail"]
    request_page, case_page = None, None
    if queued:
        request_page = queued[0]
        of_request = links(base + request_page, get("professional", request_page))
        case_page = next((p for p, _, n in of_request if n == "cases:case_detail"), None)
    if case_page is None:
        if not case_links:
            raise SystemExit("the professional's case list shows no case")
        case_page = case_links[0]
    add("case page", "professional", case_page)
    add("journey timeline", "professional", reverse("journeys:timeline", args=[_pk(case_page)]))
    if request_page:
        add("request page", "professional", request_page)
    else:
        missing.append("request page (the team's work queue shows no request)")
    add("work queue (team)", "professional", queue)
    add("decision maker's inbox", "decision maker", reverse("journeys:inbox"))
    add(
        "register search",
        "professional",
        reverse("register:organisation_list") + "?" + urllib.parse.urlencode({"q": "gemeente"}),
    )
    add("budget overview", "budget holder", reverse("budgets:overview"))
    meeting = None
    for role in ("professional", "coordinator"):
        listing = reverse("meetings:meeting_list")
        listed = links(base + listing, get(role, listing))
        found = [p for p, _, n in listed if n == "meetings:meeting_detail"]
        if found:
            meeting = (role, found[0])
            break
    if meeting:
        add("meeting page", meeting[0], meeting[1])
    else:
        missing.append("meeting page (no meeting in the data)")
    home = reverse("web:home")
    for role in ("professional", "coordinator", "decision maker", "budget holder"):
        add(f"start page ({role})", role, home)
    return pages, missing


def _pk(path: str) -> int:
    return int(re.search(r"/(\d+)/", path).group(1))


# --- the report ------------------------------------------------------------------------


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    total = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(total / 1024 / 1024, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def git(*args) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
    return done.stdout.strip()


def commit() -> str:
    changed = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" (with local changes)" if changed else "")


DATA_KEYS = (
    "database",
    "cases",
    "seed",
    "generated_at",
    "generation_seconds",
    "rows",
    "total_rows",
)


def fmt_ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def verdicts(run: dict) -> list[tuple[str, str, bool | None]]:
    """The targets of issue 17 against this run: (target, measured, met)."""
    by = {(r["page"], r["users"]): r for r in run["results"]}
    levels = sorted({r["users"] for r in run["results"]})
    low, high = levels[0], levels[-1]
    out = []
    for page in ("case list (team)", "case list (coordinator: national)", "case page"):
        one, many = by.get((page, low)), by.get((page, high))
        if one:
            value = one["median_ms"]
            measured = f"{fmt_ms(value)} ms" if value is not None else "not measured"
            met = value is not None and value <= 50
            out.append((f"{page}: median ≤ 50 ms at {low} user", measured, met))
        if many and high > low:
            value = many["p95_ms"]
            measured = f"{fmt_ms(value)} ms" if value is not None else "not measured (too slow)"
            met = value is not None and value <= 250
            out.append((f"{page}: p95 ≤ 250 ms at {high} users", measured, met))
    top = [r for r in run["results"] if r["users"] == high]
    slow = [r for r in top if r["p95_ms"] is None or r["p95_ms"] > 500]
    worst = max(top, key=lambda r: r["p95_ms"] or 0)
    out.append(
        (
            f"every page: p95 ≤ 500 ms at {high} users",
            f"worst: {worst['page']} {fmt_ms(worst['p95_ms'])} ms"
            + (f"; {len(slow)} page{'s' if len(slow) > 1 else ''} over" if slow else ""),
            not slow,
        )
    )
    errors = sum(r["errors"] for r in run["results"])
    out.append(("zero errors", f"{errors} errors", errors == 0))
    anon, bare = by.get(("bare view, anonymous", high)), by.get(("bare view, logged in", high))
    if anon and bare:
        ratio = bare["rps"] / anon["rps"] if anon["rps"] else 0
        out.append(
            (
                f"logged-in bare view within 2× the anonymous one (throughput at {high} users)",
                f"{bare['rps']:,.0f} vs {anon['rps']:,.0f} req/s ({ratio:.0%})",
                ratio >= 0.5,
            )
        )
    page = by.get(("case page", high))
    if page and bare:
        ratio = page["rps"] / bare["rps"] if bare["rps"] else 0
        out.append(
            (
                f"case page throughput ≥ 25% of the logged-in bare view ({high} users)",
                f"{ratio:.0%}",
                ratio >= 0.25,
            )
        )
    # Flat: from the end of the first round (warm) to the end of the run.
    growth = [
        (w["end_mb"] - (w.get("warm_mb") or w["start_mb"])) / (w.get("warm_mb") or w["start_mb"])
        for w in run["workers"]
        if (w.get("warm_mb") or w.get("start_mb")) and w.get("end_mb")
    ]
    if growth:
        out.append(
            (
                "memory of a worker flat under load (RSS growth < 10% after the first round)",
                "largest growth " + f"{max(growth):+.0%}",
                max(growth) < 0.10,
            )
        )
    return out


# The rows of the starting table, by the bench's page names.
STARTING_ROWS = [
    ("bare view, anonymous", "bare view, anonymous"),
    ("bare view, logged in", "bare view, logged in"),
    ("case list (team)", "case list (team)"),
    ('case list, "needs attention"', 'case list, "needs attention"'),
    ("work queue (team)", "work queue (team)"),
    ("case page", "case page"),
    ("register search", "register search"),
]


def compared_with_start(run: dict) -> list[str]:
    """The rows of the starting table (below), measured in this run."""
    levels = sorted({r["users"] for r in run["results"]})
    low, high = levels[0], levels[-1]
    by = {(r["page"], r["users"]): r for r in run["results"]}
    cases = f"{run['data']['cases']:,} cases"
    lines = [
        "### Compared with the starting point",
        "",
        f"The rows of the starting table (at the end of this page), in this run ({cases}):",
        "",
        f"| page | {low} user{'s' if low > 1 else ''}, median | {high} users (median / p95) |",
        "|---|---:|---:|",
    ]
    for label, page in STARTING_ROWS:
        one, many = by.get((page, low)), by.get((page, high))
        lines.append(
            f"| {label} | {fmt_ms(one['median_ms']) + ' ms' if one else '–'} | "
            + (
                f"{fmt_ms(many['median_ms'])} / {fmt_ms(many['p95_ms'])} ms"
                if many and high > low
                else "–"
            )
            + " |"
        )
    return lines


def render_run(run: dict) -> str:
    m, d = run["machine"], run["data"]
    levels = sorted({r["users"] for r in run["results"]})
    bare = {r["users"]: r for r in run["results"] if r["page"] == "bare view, logged in"}
    lines = [
        f"## {d['cases']:,} cases",
        "",
        f"- **Data**: {d['cases']:,} cases, {d['total_rows']:,} rows (seed {d['seed']}, "
        f"database `{d['database']}`, generated {d['generated_at']} "
        f"in {d['generation_seconds']:,.0f} s)",
        f"- **Machine**: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB memory, "
        f"PostgreSQL {run['postgresql']}, Python {m['python']}; gunicorn with "
        f"{run['workers_count']} workers and the load generator on the same machine",
        f"- **Load average** (1, 5, 15 min) at the start {run['load_start']}, at the end "
        f"{run['load_end']} — the machine is shared with other work, so the figures are noisy",
        f"- **When**: {run['started_at']} – {run['finished_at']} (UTC), commit `{run['commit']}`",
        f"- **Points**: {run['seconds']} s per page and number of users, after a warm-up; "
        "closed loop (every simulated user asks again as soon as it has its answer)",
        "",
    ]
    lines += [
        "| page | role | users | median ms | p95 ms | p99 ms | req/s | errors | × bare (req/s) |"
    ]
    lines += ["|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for users in levels:
        for r in (r for r in run["results"] if r["users"] == users):
            if r.get("skipped"):
                lines.append(
                    f"| {r['page']} | {r['role']} | {users} | not measured: "
                    f"{r['skipped_because']} | | | | | |"
                )
                continue
            ratio = r["rps"] / bare[users]["rps"] if users in bare and bare[users]["rps"] else None
            lines.append(
                f"| {r['page']} | {r['role']} | {users} | {fmt_ms(r['median_ms'])} | "
                f"{fmt_ms(r['p95_ms'])} | {fmt_ms(r['p99_ms'])} | {r['rps']:,.1f} | "
                f"{r['errors']} | {'–' if ratio is None else f'{ratio:.0%}'} |"
            )
    lines += ["", *compared_with_start(run)]
    if run.get("note"):
        lines += ["", run["note"]]
    if run.get("missing"):
        lines += ["", "Not measured (not found in the data): " + "; ".join(run["missing"]) + "."]
    lines += ["", "### Against the targets", "", "| target | measured | met |", "|---|---|---|"]
    for target, measured, met in verdicts(run):
        lines.append(f"| {target} | {measured} | {'yes' if met else '**no**'} |")
    lines += [
        "",
        f"The targets are for 1,000,000 cases; this run has {d['cases']:,}.",
        "",
        "### Memory of the workers (RSS)",
        "",
        "Before the load, after the first round (every page at "
        f"{levels[0]} user{'s' if levels[0] > 1 else ''}: templates compiled, caches "
        "filled) and at the end of the run:",
        "",
        "| worker | before the load | after the first round | at the end |",
        "|---|---:|---:|---:|",
    ]
    for w in run["workers"]:
        start, warm, end = (
            f"{w[k]} MB" if w.get(k) else "–" for k in ("start_mb", "warm_mb", "end_mb")
        )
        lines.append(f"| {w['pid']} | {start} | {warm} | {end} |")
    return "\n".join(lines)


def write_report(run: dict, out: Path) -> None:
    json_path = out.with_suffix(".json")
    runs = {}
    if json_path.exists():
        runs = json.loads(json_path.read_text()).get("runs", {})
    runs[str(run["data"]["cases"])] = run
    runs = dict(sorted(runs.items(), key=lambda kv: int(kv[0])))
    json_path.write_text(json.dumps({"runs": runs}, indent=1) + "\n")
    parts = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`scripts/bench_server.py`; see "
        "[performance](performance.md#make-bench)). Do not edit: run it again. One section "
        "per data size; a run replaces the section of its size. The figures are also in "
        "`benchmarks.json`.",
        "",
    ]
    for key in runs:
        parts += [render_run(runs[key]), ""]
    parts += ["## The starting point (issue 17)", "", STARTING_TABLE, ""]
    parts += [
        "## Early signals intake",
        "",
        "Measured by `scripts/bench_signals.py`, not by `make bench`: see "
        "[benchmarks-early-signals](benchmarks-early-signals.md).",
        "",
    ]
    # What other scripts wrote below the marker (scripts/bench_precedents.py) is kept.
    md = out.with_suffix(".md")
    old = md.read_text() if md.exists() else ""
    if KEPT_MARKER in old:
        parts += [KEPT_MARKER + old.split(KEPT_MARKER, 1)[1].rstrip("\n"), ""]
    md.write_text("\n".join(parts))


KEPT_MARKER = "<!-- kept by make bench: hand-written and other scripts' sections below -->"


# --- the run ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--smoke", action="store_true", help="small and short; fail on errors")
    parser.add_argument(
        "--render", action="store_true", help="only write the .md again from the .json"
    )
    args = parser.parse_args()
    if args.render:
        out = Path(os.environ.get("BENCH_OUT") or ROOT / "docs" / "benchmarks")
        runs = json.loads(out.with_suffix(".json").read_text())["runs"]
        write_report(runs[max(runs, key=int)], out)
        return 0
    smoke = args.smoke
    cases = int(os.environ.get("BENCH_CASES") or (300 if smoke else 100_000))
    seed = int(os.environ.get("BENCH_SEED") or 1)
    seconds = float(os.environ.get("BENCH_SECONDS") or (1 if smoke else 30))
    levels = [int(u) for u in (os.environ.get("BENCH_USERS") or "1,16").split(",") if u.strip()]
    workers = int(os.environ.get("BENCH_WORKERS") or 3)
    port = int(os.environ.get("BENCH_PORT") or 8765)
    deep = int(os.environ.get("BENCH_DEEP_PAGES") or (3 if smoke else 20))
    skip_ms = float(os.environ.get("BENCH_SKIP_SLOWER_THAN") or 10) * 1000
    pg_user = os.environ.get("USER") or "root"
    server_url = os.environ.get("BENCH_PG") or f"postgres://{pg_user}@127.0.0.1:5432"
    default_out = VAR / "smoke" if smoke else ROOT / "docs" / "benchmarks"
    out = Path(os.environ.get("BENCH_OUT") or default_out)
    if not out.is_absolute():
        out = ROOT / out

    VAR.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="maatwerk-bench-"))
    base = f"http://127.0.0.1:{port}"
    started_at = datetime.now(UTC)
    load_start = load_average()
    measured_commit = commit()

    def env_for(database_url):
        return production_env(database_url, tmp / "var", port)

    meta = ensure_data(server_url, cases, seed, env_for)
    env = env_for(f"{server_url}/{meta['database']}")
    os.environ.update(env)
    import django

    django.setup()

    log("collectstatic into a temporary STATIC_ROOT")
    maatwerk(env, "collectstatic", "--no-input", "-v", "0")
    with pg_connect(server_url, meta["database"]) as conn:
        postgresql = conn.execute("SHOW server_version").fetchone()[0]
    log(f"gunicorn, {workers} workers, on {base}")
    server = start_server(env, port, workers, VAR / "gunicorn.log")
    try:
        users = choose_users(meta)
        cookies = {}
        for role, user in users.items():
            if user is None:
                raise SystemExit(f"the generated data has no {role} to log in with")
            cookies[role] = log_in(base, user["username"], meta["password"])
            log(f"logged in as {user['username']} ({role}: {user['scope']}, {user['where']})")
        pages, missing = discover(base, cookies, deep)
        log(f"{len(pages)} pages, {len(levels)} levels of users, {seconds:g} s each")
        points = [
            {**page, "users": users_count, "seconds": seconds, "cookie": cookies.get(page["role"])}
            for users_count in levels
            for page in pages
        ]
        pids = worker_pids(server.pid)
        rss_start = {pid: rss_mb(pid) for pid in pids}
        plan = tmp / "plan.json"
        plan.write_text(
            json.dumps(
                {
                    "host": base,
                    "headers": PROXY_HEADERS,
                    "warmup": 1 if smoke else 5,
                    "points": points,
                    "worker_pids": pids,
                    "database_url": f"{server_url}/{meta['database']}",
                    "skip_slower_than_ms": skip_ms,
                }
            )
        )
        result_path = tmp / "results.json"
        load = [str(BIN / "python"), str(ROOT / "scripts" / "bench_load.py"), plan, result_path]
        subprocess.run(load, check=True)  # noqa: S603
        results = json.loads(result_path.read_text())
        pids_end = worker_pids(server.pid)
        # After the first round (every page once at the lowest number of users: the
        # templates compiled, the caches filled) and at the end.
        first_round = next(
            (r for r in reversed(results) if r["users"] == levels[0]), results[0]
        ).get("worker_rss_mb", {})
        workers_rss = [
            {
                "pid": pid,
                "start_mb": rss_start.get(pid),
                "warm_mb": first_round.get(str(pid)),
                "end_mb": rss_mb(pid),
            }
            for pid in sorted(set(pids) | set(pids_end))
        ]
    finally:
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)
    run = {
        "data": {k: meta[k] for k in DATA_KEYS},
        "users": {role: user["username"] for role, user in users.items()},
        "machine": machine(),
        "postgresql": postgresql,
        "workers_count": workers,
        "seconds": seconds,
        "levels": levels,
        "commit": measured_commit,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_start": load_start,
        "load_end": load_average(),
        "results": results,
        "missing": missing,
        "workers": workers_rss,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    write_report(run, out)
    log(f"wrote {out.with_suffix('.md')} and {out.with_suffix('.json')}")
    for target, measured, met in verdicts(run):
        log(f"{'ok  ' if met else 'MISS'} {target}: {measured}")
    failed = [
        r for r in results if r["errors"] or (not r["requests"] and (smoke or not r.get("skipped")))
    ]
    for r in failed:
        log(
            f"ERROR {r['page']} ({r['users']} users): {r['errors']} errors "
            f"{r['error_kinds']}, {r['requests']} requests"
        )
    if failed or (smoke and missing):
        if missing:
            log("not found: " + "; ".join(missing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
