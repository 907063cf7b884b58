import json
import sys
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maatwerk.demo.generate.run import AlreadyGenerated, generate


def _progress(stream):
    """One line on stderr, written over: cases done, speed, time left."""

    def show(done: int, total: int, seconds: float, phase: str) -> None:
        if phase == "cases":
            rate = done / seconds if seconds else 0
            left = (total - done) / rate if rate else 0
            stream.write(
                f"\r  {done:>9,}/{total:,} cases ({done / total:4.0%})  {rate:,.0f} cases/s  "
                f"{seconds:,.0f} s, about {left:,.0f} s to go   "
            )
        elif phase == "indexes":
            stream.write(f"\n  building the indexes and constraints again ({seconds:,.0f} s) …")
        elif phase == "attention":
            stream.write(f"\n  computing what needs attention ({seconds:,.0f} s) …")
        else:
            stream.write(f"\n  done in {seconds:,.0f} s\n")
        stream.flush()

    return show


class Command(BaseCommand):
    help = (
        "Generate synthetic data at national scale: organisations, teams, users with the "
        "regular roles and N cases with plans, journeys, budgets, meetings and the access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="How many cases.")
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed gives the same data."
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The day the data ends (YYYY-MM-DD; default today): dates never lie after it.",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add cases to a database that already holds generated data.",
        )
        parser.add_argument(
            "--no-copy",
            action="store_true",
            help="Use bulk_create also on PostgreSQL (instead of COPY).",
        )
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help=(
                "With COPY: keep the indexes and constraints while loading, one transaction "
                "per batch (the default when the database already holds more cases than are "
                "generated; otherwise they are dropped and built again at the end, in one "
                "transaction)."
            ),
        )
        parser.add_argument(
            "--batch", type=int, default=2000, help="Cases per batch (default 2000)."
        )
        parser.add_argument(
            "--users-file",
            help="Write the usernames to log in with (a few per role) to this JSON file.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also generate when DEBUG is off (never on a real installation).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to generate data with DEBUG off: generated users have a known "
                "password. Use --force only on a test or benchmark installation."
            )
        if options["cases"] < 1:
            raise CommandError("--cases must be 1 or more.")
        if options["batch"] < 1:
            raise CommandError("--batch must be 1 or more.")
        if options["today"] and options["today"] > timezone.localdate():
            raise CommandError("--today cannot be in the future: nothing has happened there yet.")
        try:
            summary = generate(
                cases_count=options["cases"],
                seed=options["seed"],
                today=options["today"],
                append=options["append"],
                use_copy=False if options["no_copy"] else None,
                rebuild_indexes=False if options["keep_indexes"] else None,
                batch=options["batch"],
                progress=_progress(sys.stderr) if options["verbosity"] else None,
            )
        except AlreadyGenerated as error:
            raise CommandError(str(error)) from None
        out = self.stdout
        out.write(
            self.style.SUCCESS(
                f"Generated {summary.cases:,} cases ({summary.total_rows:,} rows, "
                f"{summary.writer}"
                f"{', indexes rebuilt' if summary.indexes_rebuilt else ''}) "
                f"in {summary.seconds:,.1f} s."
            )
        )
        if options["verbosity"] > 1:
            for table, count in summary.rows.items():
                out.write(f"  {table:<36} {count:>12,}")
            out.write(f"  lead times: {summary.lead_time_figures()}")
        out.write("Users to log in with (password: settings.DEMO_PASSWORD):")
        for user in summary.users:
            out.write(
                f"  {user['username']:<28} {user['role']:<15} {user['scope']}: {user['where']}"
            )
        if options["users_file"]:
            with open(options["users_file"], "w", encoding="utf-8") as f:
                json.dump({"password": settings.DEMO_PASSWORD, "users": summary.users}, f, indent=2)
                f.write("\n")
