"""How fast a file of early signals is taken in (docs/early-signals.md, issue 14): figures,
not pass/fail. Generates N signals as a CSV in the upload's column layout (one creditor,
addresses shared by about one in ten rows, so bundling has work to do), then times:

1. ``uploads.check_file`` (read and check every row, compute the match keys);
2. ``services.intake_signals`` of all rows: every row new (dedup finds nothing);
3. the same file again: every row an update (dedup finds every one, history kept).

Runs on the database of DATABASE_URL (migrated; the rows are written and left there).

    DEBUG=true DATABASE_URL=postgres://root@127.0.0.1:5432/maatwerk_signals \\
        python scripts/bench_signals.py 100000
"""

import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.conf.settings")

import django

django.setup()

from datetime import date, timedelta  # noqa: E402

from django.db import connection  # noqa: E402

from maatwerk.accounts.models import Team  # noqa: E402
from maatwerk.early_signals import services, uploads  # noqa: E402
from maatwerk.early_signals.models import Creditor  # noqa: E402
from maatwerk.early_signals.rows import FIELD_NAMES  # noqa: E402
from maatwerk.register.models import Organisation  # noqa: E402

TYPES = ["rent", "electricity", "gas", "drinking_water", "health_insurance", "eviction_announced"]
LETTERS = "ABCDEFGHJKLMNPRTVWXZ"
SURNAMES = ["Jansen", "de Vries", "van der Berg", "Bakker", "Çelik", "El Amrani", "Visser"]


def generate(count: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not a secret)
    today = date.today()
    lines = [";".join(FIELD_NAMES)]
    addresses = max(1, count * 9 // 10)
    for n in range(count):
        address = rng.randrange(addresses)
        # No S as the first letter: SA, SD and SS are never issued.
        postcode = f"{1000 + address % 8999} {LETTERS[address % 20]}{LETTERS[address // 20 % 20]}"
        kind = rng.choice(TYPES)
        values = {
            "referentie": f"B-{n:07d}",
            "type": kind,
            "achternaam": rng.choice(SURNAMES),
            "tussenvoegsel": "",
            "voornamen": "A.",
            "geboortedatum": "",
            "straat": "Benchstraat",
            "huisnummer": str(1 + address // 8999),
            "toevoeging": rng.choice(["", "", "", "A", "2"]),
            "postcode": postcode,
            "woonplaats": "Benchdam",
            "telefoon": "",
            "email": "",
            "bedrag": "" if kind == "eviction_announced" else f"{rng.randint(50, 5000)},00",
            "maanden_achterstand": str(rng.randint(1, 6)),
            "signaaldatum": (today - timedelta(days=rng.randint(0, 20))).isoformat(),
        }
        lines.append(";".join(values[name] for name in FIELD_NAMES))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def server_cpu() -> float:
    """CPU seconds of the PostgreSQL backend of this connection (same machine only)."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(label, count, work):
    """Wall time, and the CPU time of this process and of the database server process:
    on a shared, loaded machine the wall time says more about the neighbours; the sum
    of the two CPU times is what the work costs (rows per CPU second)."""
    start, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
    result = work()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    served = server_cpu() - server
    print(
        f"{label}: {wall:.1f} s wall ({count / wall:,.0f} rows/s); CPU {used:.1f} s here + "
        f"{served:.1f} s database = {count / max(used + served, 0.001):,.0f} rows per CPU second"
    )
    return result


def main(count: int) -> None:
    organisation, _ = Organisation.objects.get_or_create(
        name="Bench Woonstichting", defaults={"slug": "bench-woonstichting", "type": "other"}
    )
    creditor, _ = Creditor.objects.get_or_create(
        organisation=organisation, defaults={"type": "housing"}
    )
    team = Team.objects.filter(organisation=organisation).first() or Team.objects.create(
        name="Bench vroegsignalering", organisation=organisation
    )
    data = generate(count)
    print(f"{connection.vendor}, {count:,} rows, {len(data) / 1e6:.1f} MB, load {os.getloadavg()}")
    checked = timed("check_file", count, lambda: uploads.check_file(data))
    assert not checked.problems, checked.problems[:3]
    rows = checked.rows
    result = timed(
        "intake (all new)",
        count,
        lambda: services.intake_signals(rows, creditor=creditor, team=team),
    )
    print(f"  created={result.created} bundles={result.bundles_created}")
    result = timed(
        "intake (all updates)",
        count,
        lambda: services.intake_signals(rows, creditor=creditor, team=team),
    )
    print(f"  updated={result.updated}")
    print(f"load after {os.getloadavg()}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
