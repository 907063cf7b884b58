"""``maatwerk import-cases FILE [--team T] [--skip-invalid] [--json]``: import
``maatwerk-case/1`` JSON Lines (docs/exchange.md#the-commands)."""

import json

from django.core.management.base import BaseCommand, CommandError

from maatwerk.reports.exchange.progress import ProgressBar
from maatwerk.reports.exchange.services import import_cases
from maatwerk.reports.exchange.teams import team_from_option


class Command(BaseCommand):
    help = "Import cases from a maatwerk-case/1 JSON Lines file (all-or-nothing by default)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON Lines file")
        parser.add_argument(
            "--team",
            help="name (or id) of the team that gets every case; without it each case goes "
            "to the team named after its source, created when missing",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="store the valid lines and list the bad ones (default: store nothing "
            "when any line is bad)",
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, **options):
        team = team_from_option(options["team"]) if options["team"] else None
        bar = ProgressBar(self.stderr._out, enabled=not options["no_progress"])
        try:
            result = import_cases(
                options["file"], team=team, skip_invalid=options["skip_invalid"], progress=bar
            )
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {options['file']}") from exc
        finally:
            bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            for problem in result.problems:
                where = f"line {problem.line}" + (f", {problem.path}" if problem.path else "")
                self.stderr.write(f"{where}: {problem.reason}")
            if result.problem_count > len(result.problems):
                self.stderr.write(
                    f"… and {result.problem_count - len(result.problems)} more problems"
                )
            for duplicate in result.duplicates:
                self.stderr.write(
                    f"line {duplicate['line']}: duplicate: {duplicate['source']} "
                    f"{duplicate['ref']} is already imported; nothing changed"
                )
            bad = len(result.bad_lines)
            if result.refused:
                self.stdout.write(
                    f"Nothing imported: {bad} of {result.lines} lines are not valid "
                    f"(lines {_lines(result.bad_lines)}). Fix them, or use --skip-invalid "
                    "to import the valid lines only."
                )
            else:
                self.stdout.write(
                    f"Imported {result.imported} cases from {result.lines} lines; "
                    f"{len(result.duplicates)} duplicates (already imported, unchanged); "
                    f"{bad} invalid lines skipped"
                    + (f" (lines {_lines(result.bad_lines)})" if bad else "")
                    + "."
                )
        if result.refused:
            raise CommandError(f"{len(result.bad_lines)} invalid lines: nothing was imported.")


def _lines(numbers: list[int], limit: int = 50) -> str:
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f", … ({len(numbers) - limit} more)" if len(numbers) > limit else "")
