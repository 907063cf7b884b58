"""Search latency over N generated precedents (issue 12): figures, not pass/fail.

Fills a database of its own with ``--precedents`` published precedents (varied Dutch
texts from word lists, so that common words match tens of thousands of them and rare
ones a few), then times the precedent search as the search page runs it
(``learning.selectors.search_precedents``: the total, one page of 20 ranked results
and the five facet counts) for a fixed set of queries, each ``--rounds`` times, and
prints the median and p95 per query and over all of them. The similar precedents of a
case (the case page and the refusal on a request) are timed too.

The data is kept: a second run with the same number reuses it (``--fresh`` refills).

    # SQLite (a file of its own under var/):
    .venv/bin/python scripts/bench_precedents.py --precedents 100000
    # PostgreSQL (a database of its own):
    DATABASE_URL=postgres://root@127.0.0.1:5432/maatwerk_learning_bench \\
        .venv/bin/python scripts/bench_precedents.py --precedents 100000
    # and write the figures into docs/benchmarks.md (a section make bench keeps):
    … scripts/bench_precedents.py --precedents 100000 --write

Never run by the test suite (``tests/test_bench_harness.py`` checks how it writes
docs/benchmarks.md); the figures of the last runs are in docs/benchmarks.md.
"""

import argparse
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.conf.test_settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-precedents.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

SUBJECTS = [
    "Een alleenstaande moeder met twee kinderen",
    "Een jong gezin met een baby",
    "Een oudere man die alleen woont",
    "Een vrouw met een licht verstandelijke beperking",
    "Een vader met drie schoolgaande kinderen",
    "Een jongvolwassene die net uit de jeugdzorg kwam",
    "Een echtpaar met een zoon met autisme",
    "Een weduwe met beginnende dementie",
    "Een statushouder met een groot gezin",
    "Een zzp'er die zijn opdrachten verloor",
]
PROBLEMS = [
    "had een huurachterstand van maanden en de ontruiming was aangezegd",
    "liep vast met schulden bij de gemeente, de Belastingdienst en de zorgverzekeraar",
    "verloor de uitkering na een gemiste afspraak",
    "kreeg te maken met een terugvordering van toeslagen",
    "werd gekort door de kostendelersnorm toen een volwassen kind bleef wonen",
    "had een fraudeschuld die elke schuldregeling blokkeerde",
    "kon de eigen bijdrage voor de zorg niet betalen",
    "had geen vaste woonplek en stond nergens ingeschreven",
    "kreeg de energie afgesloten na een betalingsachterstand",
    "zag de studieschuld elke maand groeien",
    "had uitkeringen die door elkaar liepen en elkaar kortten",
    "wachtte al maanden op een besluit over jeugdhulp",
]
ASKS = [
    "het aanhouden van de incasso",
    "een betalingsregeling naar draagkracht",
    "het toekennen van bijzondere bijstand",
    "afzien van terugvordering wegens dringende redenen",
    "het herleven van de uitkering met terugwerkende kracht",
    "een maatwerkvoorziening zonder eigen bijdrage",
    "het buiten toepassing laten van de kostendelersnorm",
    "een saneringskrediet",
    "een voorrangsverklaring voor een woning",
    "het intrekken van de ontruiming",
]
WORKED = [
    "Een gesprek aan de doorbraaktafel bracht de partijen bij elkaar.",
    "De gemeente betaalde de achterstand uit het maatwerkbudget.",
    "Na escalatie naar het landelijk team kwam er binnen twee weken een besluit.",
    "Het ministerie verduidelijkte welke wet van toepassing was.",
    "De verhuurder stemde in met een huurcontract onder voorwaarden.",
    "De hardheidsclausule werd toegepast en de terugvordering gehalveerd.",
    "Een vaste contactpersoon bij de uitvoeringsorganisatie maakte het verschil.",
    "De schuldeisers gingen akkoord met een minnelijke regeling.",
    "Een bewindvoerder nam de administratie over.",
    "Begeleiding thuis voorkwam een nieuwe achterstand.",
]
TITLE_WORDS = [
    "Ontruiming voorkomen",
    "Schulden geregeld",
    "Uitkering hersteld",
    "Toeslag gematigd",
    "Zorg geregeld",
    "Woning behouden",
    "Inkomen op orde",
    "Jeugdhulp toegekend",
    "Kwijtschelding verleend",
    "Afsluiting teruggedraaid",
]
QUERIES = [
    "schulden",
    "uitkeringen",
    "huurachterstanden",
    "kostendelersnorm",
    "participatiewet bijstand",
    "schulden uitkering huur ontruiming",
    "zorg op school",
    "fraudeschuld kwijtschelding",
    "jeugdwet",
    "terugvordering toeslagen hardheidsclausule",
    "dementie eigen bijdrage",
    "de het een",
    "",
    '"schuld" AND (huur) OR -- ; DROP TABLE',
    "xyzzy onvindbaar",
    "x" * 10000,
]
FILTERED = [("schulden", "domain"), ("uitkering", "organisation"), ("", "outcome")]


def log(message: str) -> None:
    print(f"[bench-precedents] {message}", flush=True)


def fill(count: int, seed: int) -> None:
    from maatwerk.accounts.models import User
    from maatwerk.learning.models import Precedent
    from maatwerk.learning.services import stems_by_weight
    from maatwerk.register.models import LegalGround, LifeDomain, Organisation, Regulation

    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    author = User.objects.get(username="bench-author")
    reviewer = User.objects.get(username="bench-reviewer")
    domains = list(LifeDomain.objects.all())
    organisations = list(Organisation.objects.all())
    regulations = list(Regulation.objects.all())
    grounds = list(LegalGround.objects.all())
    outcomes = ["solved", "partly_solved", "not_solved"]
    now = datetime.now(UTC)
    Domains = Precedent.life_domains.through
    Organisations = Precedent.organisations.through
    batch = 2000
    started = time.perf_counter()
    done = Precedent.objects.count()
    while done < count:
        size = min(batch, count - done)
        rows, links = [], []
        for i in range(done, done + size):
            chosen_domains = rng.sample(domains, rng.randint(1, 3))
            chosen_orgs = rng.sample(organisations, rng.randint(1, 3))
            regulation = rng.choice(regulations) if rng.random() < 0.8 else None
            ground = rng.choice(grounds) if rng.random() < 0.6 else None
            title = f"{rng.choice(TITLE_WORDS)}: {rng.choice(PROBLEMS)}"[:200]
            situation = (
                f"{rng.choice(SUBJECTS)} {rng.choice(PROBLEMS)}. Daarnaast {rng.choice(PROBLEMS)}."
            )
            asked = "; ".join(f"{o.name}: {rng.choice(ASKS)}" for o in chosen_orgs)
            worked = " ".join(rng.sample(WORKED, 2))
            regulation_text = rng.choice(["", "", "kostendelersnorm", "fraudeschuld"])
            a, b, d = stems_by_weight(
                rule=regulation.name if regulation else "",
                regulation_text=regulation_text,
                domains=[f"{x.name_nl} {x.name_en}" for x in chosen_domains],
                title=title,
                ground=ground.title if ground else "",
                organisations=[o.name for o in chosen_orgs],
                body=(situation, asked, worked),
            )
            rows.append(
                Precedent(
                    reference=f"PR-B-{i + 1:07d}",
                    status="published",
                    title=title,
                    situation=situation,
                    asked=asked,
                    what_worked=worked,
                    outcome=rng.choice(outcomes),
                    lead_time_days=rng.randint(5, 400),
                    regulation=regulation,
                    regulation_text=regulation_text,
                    legal_ground=ground,
                    refusal_reasons=sorted(
                        rng.sample(["wrong_desk", "not_allowed_by_law", "precedent"], 1)
                    ),
                    drafted_by=author,
                    published_by=reviewer,
                    published_at=now - timedelta(minutes=count - i),
                    search_a=a,
                    search_b=b,
                    search_d=d,
                )
            )
            links.append((chosen_domains, chosen_orgs))
        with transaction.atomic():
            created = Precedent.objects.bulk_create(rows)
            if created[0].pk is None:  # not every backend returns the keys
                by_ref = dict(
                    Precedent.objects.filter(reference__in=[r.reference for r in rows]).values_list(
                        "reference", "pk"
                    )
                )
                for row in created:
                    row.pk = by_ref[row.reference]
            Domains.objects.bulk_create(
                Domains(precedent_id=row.pk, lifedomain_id=d.pk)
                for row, (ds, _os) in zip(created, links, strict=True)
                for d in ds
            )
            Organisations.objects.bulk_create(
                Organisations(precedent_id=row.pk, organisation_id=o.pk)
                for row, (_ds, os_) in zip(created, links, strict=True)
                for o in os_
            )
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO learning_precedent_fts (rowid, a, b, d) "
                        "VALUES (%s, %s, %s, %s)",
                        [(r.pk, r.search_a, r.search_b, r.search_d) for r in created],
                    )
        done += size
        if done % 20000 == 0 or done == count:
            log(f"{done:,} precedents ({time.perf_counter() - started:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def users():
    from django.contrib.auth.models import Group

    from maatwerk.accounts.models import User
    from maatwerk.accounts.roles import sync_roles

    sync_roles()
    coordinators = Group.objects.filter(role__code="coordinator")
    made = {}
    for name in ("bench-author", "bench-reviewer", "bench-searcher"):
        user, _ = User.objects.get_or_create(username=name)
        user.groups.set(coordinators)
        made[name] = User.objects.get(pk=user.pk)  # fresh: no permission cache
    return made


def bench_case():
    from django.contrib.auth.models import Group

    from maatwerk.accounts.models import Team, User
    from maatwerk.cases.models import Case
    from maatwerk.register.models import Organisation
    from maatwerk.testing.cases import make_case

    team, _ = Team.objects.get_or_create(
        name="Bench team", organisation=Organisation.objects.get(name="Gemeente Utrecht")
    )
    owner, _ = User.objects.get_or_create(username="bench-professional")
    owner.groups.set(Group.objects.filter(role__code="professional"))
    owner.teams.set([team])
    owner = User.objects.get(pk=owner.pk)
    case = Case.objects.filter(team=team).first()
    if case is None:
        case = make_case(
            team, owner, needed="Schulden en een huurachterstand na het stoppen van de uitkering."
        )
    return case


def timed(fn, rounds: int) -> list[float]:
    fn()  # warm: the first call compiles and fills caches
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(rounds: int) -> tuple[list[dict], list[float]]:
    from maatwerk.learning.models import Precedent
    from maatwerk.learning.selectors import search_precedents, similar_precedents
    from maatwerk.register.models import LifeDomain, Organisation

    searcher = users()["bench-searcher"]
    uwv = Organisation.objects.filter(name="UWV").first()
    facet_values = {
        "domain": LifeDomain.objects.get(code="finances").code,
        "organisation": uwv.pk if uwv else None,
        "outcome": "solved",
    }
    rows, everything = [], []
    for query in QUERIES:
        samples = timed(lambda q=query: search_precedents(searcher, q), rounds)
        found = search_precedents(searcher, query)
        label = query if len(query) <= 40 else f"{query[:12]}… ({len(query):,} characters)"
        rows.append({"what": f"search “{label}”", "hits": found.total, "samples": samples})
        everything += samples
    for query, facet in FILTERED:
        filters = {facet: facet_values[facet]}
        samples = timed(
            lambda q=query, f=filters: search_precedents(searcher, q, filters=f), rounds
        )
        found = search_precedents(searcher, query, filters=filters)
        rows.append(
            {
                "what": f"search “{query}”, filtered on {facet}",
                "hits": found.total,
                "samples": samples,
            }
        )
        everything += samples
    samples = timed(lambda: search_precedents(searcher, "schulden", page=40), rounds)
    rows.append({"what": "search “schulden”, page 40", "hits": None, "samples": samples})
    everything += samples
    # The similar precedents of a case (the case page, the refusal on a request): a
    # case with the life domains finances and housing, opened through the services.
    case = bench_case()
    samples = timed(lambda: similar_precedents(case), rounds)
    rows.append({"what": "similar precedents of a case", "hits": None, "samples": samples})
    everything += samples
    assert Precedent.objects.exists()
    return rows, everything


def database_label() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def render(count: int, rounds: int, rows: list[dict], everything: list[float]) -> str:
    load = os.getloadavg()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "?"
    lines = [
        f"### {database_label()}, {count:,} precedents",
        "",
        f"- **When**: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit `{commit}`; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
        f"{load[0]:.2f} (a shared machine: the figures are noisy)",
        f"- **Measured**: `search_precedents` as the search page calls it (the total, one "
        f"page of 20 ranked results with their domains and organisations, the five facet "
        f"counts), in the process, without HTTP or templates; each query {rounds} times "
        f"after one warm-up call",
        f"- **Over all queries**: median **{statistics.median(everything):.1f} ms**, "
        f"p95 **{p95(everything):.1f} ms** (aim: p95 under 100 ms)",
        "",
        "| what | matches | median ms | p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        hits = "–" if row["hits"] is None else f"{row['hits']:,}"
        lines.append(
            f"| {row['what']} | {hits} | {statistics.median(row['samples']):.1f} | "
            f"{p95(row['samples']):.1f} |"
        )
    return "\n".join(lines)


KEPT_MARKER = "<!-- kept by make bench: hand-written and other scripts' sections below -->"
HEADING = "## Precedent search (`scripts/bench_precedents.py`)"
INTRO = (
    "Written by `scripts/bench_precedents.py --write` (one subsection per database and "
    "size; a run replaces its own). `make bench` keeps everything below its marker. How "
    "the search works: [ADR 0008](adr/0008-dutch-full-text-search.md)."
)


def write(section: str, path: Path) -> None:
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if KEPT_MARKER not in text:
        text = text.rstrip("\n") + f"\n\n{KEPT_MARKER}\n"
    head, kept = text.split(KEPT_MARKER, 1)
    if HEADING not in kept:
        kept = kept.rstrip("\n") + f"\n\n{HEADING}\n\n{INTRO}\n"
    before, after = kept.split(HEADING, 1)
    title = section.split("\n", 1)[0]
    # Subsections of this heading, until the next "## " heading.
    end = re.search(r"^## ", after, re.MULTILINE)
    ours, rest = (after[: end.start()], after[end.start() :]) if end else (after, "")
    parts = re.split(r"(?m)^(?=### )", ours)
    intro, subsections = parts[0], [p.rstrip("\n") for p in parts[1:]]
    subsections = [s for s in subsections if s.split("\n", 1)[0] != title] + [section]
    subsections.sort(key=lambda s: s.split("\n", 1)[0])
    ours = "\n\n" + intro.strip("\n") + "\n\n" + "\n\n".join(subsections) + "\n"
    path.write_text(head + KEPT_MARKER + before + HEADING + ours + ("\n" + rest if rest else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--precedents", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="delete and generate again")
    parser.add_argument(
        "--write",
        nargs="?",
        const=str(ROOT / "docs" / "benchmarks.md"),
        help="write the figures into this file (default docs/benchmarks.md)",
    )
    args = parser.parse_args()
    (ROOT / "var").mkdir(exist_ok=True)
    log(f"database {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0, interactive=False)
    from maatwerk.learning.models import Precedent
    from maatwerk.register.seed import seed_register

    seed_register()
    users()
    if args.fresh or Precedent.objects.count() > args.precedents:
        log("removing the old precedents")
        Precedent.life_domains.through.objects.all().delete()
        Precedent.organisations.through.objects.all().delete()
        Precedent.objects.all().delete()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM learning_precedent_fts")
    fill(args.precedents, args.seed)
    log(f"timing {len(QUERIES) + len(FILTERED) + 2} searches, {args.rounds} rounds each")
    rows, everything = measure(args.rounds)
    section = render(args.precedents, args.rounds, rows, everything)
    print(section)
    if args.write:
        write(section, Path(args.write))
        log(f"written to {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
