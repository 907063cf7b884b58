from django.core.management.base import BaseCommand

from maatwerk.scheduler.jobs import format_counts, refresh_connections, run_due_jobs


class Command(BaseCommand):
    help = (
        "Run the due jobs once (overdue requests, escalation notices) and print what they "
        "did. For cron; `maatwerk scheduler` runs them continuously instead."
    )

    def handle(self, *args, **options):
        refresh_connections()
        try:
            counts = run_due_jobs()
        finally:
            refresh_connections()
        self.stdout.write(f"Due jobs ran: {format_counts(counts)}")
