"""``maatwerk export-cases [--from D --to D] [--team T] > FILE``: write cases as
``maatwerk-case/1`` JSON Lines to stdout (docs/exchange.md#the-commands)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from maatwerk.reports.exchange.exporter import cases_for
from maatwerk.reports.exchange.progress import ProgressBar
from maatwerk.reports.exchange.services import export_stream
from maatwerk.reports.exchange.teams import team_from_option


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = "Export cases (opened in the period) as maatwerk-case/1 JSON Lines to stdout."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="first opening date (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", help="last opening date (YYYY-MM-DD)")
        parser.add_argument("--team", help="name (or id) of the team whose cases to export")
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")
        parser.add_argument("--no-progress", action="store_true", help="no progress on stderr")

    def handle(self, *args, **options):
        date_from = _date(options["date_from"]) if options["date_from"] else None
        date_to = _date(options["date_to"]) if options["date_to"] else None
        if date_from and date_to and date_to < date_from:
            raise CommandError("--to is before --from.")
        team = team_from_option(options["team"]) if options["team"] else None
        cases = cases_for(date_from=date_from, date_to=date_to, team=team)
        detail = " ".join(
            part
            for part in (
                f"from {date_from}" if date_from else "",
                f"to {date_to}" if date_to else "",
                f"team {team.pk}" if team else "",
            )
            if part
        )
        bar = ProgressBar(self.stderr._out, enabled=not options["no_progress"])
        out = open(options["output"], "w", encoding="utf-8") if options["output"] else None  # noqa: SIM115
        count = 0
        try:
            write = out.write if out else self.stdout._out.write
            for line in export_stream(cases, detail=detail, progress=bar):
                write(line)
                count += 1
        finally:
            bar.close()
            if out:
                out.close()
            else:
                self.stdout._out.flush()
        self.stderr.write(f"Exported {count} cases.")
