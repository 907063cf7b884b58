from django.core.management.base import BaseCommand, CommandError

from maatwerk.audit.verify import verify_log


class Command(BaseCommand):
    help = (
        "Check the access log's hash chain and the log against its signed checkpoints; "
        "report the first broken link and every checkpoint the log no longer matches "
        "(rows removed from the end)."
    )

    def handle(self, *args, **options):
        report = verify_log()
        lines = []
        if report.broken is not None:
            lines.append(
                f"Access log chain broken at entry {report.broken.entry_id}: "
                f"{report.broken.reason} ({report.intact_before_break} entries before it "
                "are intact)."
            )
        lines.extend(f"Checkpoint mismatch: {problem}." for problem in report.problems)
        if lines:
            raise CommandError("\n".join(lines))
        self.stdout.write(
            self.style.SUCCESS(f"Access log intact: {report.entries} entries verified.")
        )
        if report.latest is None:
            self.stdout.write(
                self.style.WARNING(
                    "No checkpoint yet: entries removed from the end of the log would not "
                    "show. The scheduler writes one (maatwerk run-jobs)."
                )
            )
            return
        latest = report.latest
        self.stdout.write(
            f"{report.checkpoints} checkpoint(s) match; the latest, of "
            f"{latest.created_at:%Y-%m-%d %H:%M:%S} UTC, covers {latest.entry_count} entries "
            f"up to entry {latest.last_id}; {report.since_latest} entries since."
        )
