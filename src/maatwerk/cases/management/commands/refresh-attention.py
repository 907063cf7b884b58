import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from maatwerk.cases.attention import refresh_attention
from maatwerk.cases.models import CaseAttention


class Command(BaseCommand):
    help = (
        "Compute the stored 'needs attention' of every case again (cases.attention), in "
        "set-based SQL: after an upgrade, after loading rows outside the services, or "
        "to check. The services and the daily job keep it up to date otherwise."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            count = refresh_attention()
        if connection.vendor == "postgresql":  # statistics of the rows just written
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {CaseAttention._meta.db_table}")
        self.stdout.write(
            f"Attention refreshed for {count} cases in {time.monotonic() - started:.1f} s"
        )
