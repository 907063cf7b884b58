"""``maatwerk report --from D --to D [--format json] [--team T] [--min-cell N]
[--output FILE]``: the report of the cases opened in the period, on stdout or in a file.

The command line runs on the server, so it may lower the disclosure threshold (down to
0: off); every run is written to the access log as an export of aggregated figures,
naming the threshold and whether it was lowered (docs/reports.md, docs/audit.md)."""

from __future__ import annotations

import getpass
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from maatwerk.accounts.models import Team
from maatwerk.audit.models import Action, ProcessingActivity
from maatwerk.audit.services import log_access
from maatwerk.reports.disclosure import DEFAULT_THRESHOLD
from maatwerk.reports.formats import FORMATS, render
from maatwerk.reports.services import build_report

COMMAND_LINE = "command line"


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


def find_team(value: str) -> Team:
    """A team by its name, or by its number."""
    teams = list(Team.objects.filter(name=value)[:2])
    if not teams and value.isdigit():
        teams = list(Team.objects.filter(pk=int(value))[:1])
    if not teams:
        raise CommandError(f"No team {value!r}.")
    if len(teams) > 1:
        raise CommandError(f"More than one team is called {value!r}: give its number.")
    return teams[0]


class Command(BaseCommand):
    help = "The system-learning report for the cases opened in a period."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", default="json", choices=FORMATS)
        parser.add_argument("--team", help="Only this team's cases (its name or number).")
        parser.add_argument(
            "--min-cell",
            type=int,
            default=DEFAULT_THRESHOLD,
            help=f"Disclosure threshold (default {DEFAULT_THRESHOLD}; 0 turns it off).",
        )
        parser.add_argument("--output", help="Write to this file instead of stdout.")
        parser.add_argument(
            "--no-previous", action="store_true", help="Leave out the previous period."
        )

    def handle(self, *args, date_from, date_to, fmt, team, min_cell, output, **options):
        start, end = _date(date_from), _date(date_to)
        if end < start:
            raise CommandError("--to is before --from.")
        if min_cell < 0:
            raise CommandError("--min-cell cannot be negative.")
        chosen = find_team(team) if team else None
        report = build_report(
            start, end, team=chosen, min_cell=min_cell, previous=not options["no_previous"]
        )
        content = render(report, fmt)
        lowered = min_cell < DEFAULT_THRESHOLD
        log_access(
            action=Action.EXPORT,
            processing_activity=ProcessingActivity.CASE_WORK,
            actor=None,
            actor_username=f"{COMMAND_LINE} ({_os_user()})",
            object_type="reports.report",
            detail=(
                f"{fmt} report {start.isoformat()}..{end.isoformat()}"
                f"{f', team {chosen.name}' if chosen else ''}, threshold {min_cell}"
                f"{f' (lowered from {DEFAULT_THRESHOLD})' if lowered else ''}"
            ),
        )
        if lowered:
            self.stderr.write(
                f"Disclosure threshold lowered to {min_cell} (default {DEFAULT_THRESHOLD}); "
                "this is recorded in the access log."
            )
        if output:
            data = content.encode() if isinstance(content, str) else content
            with open(output, "wb") as handle:
                handle.write(data)
        elif isinstance(content, str):
            self.stdout.write(content, ending="")
        else:  # a binary format (xlsx, pdf) on stdout
            self.stdout.flush()
            sys.stdout.buffer.write(content)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
