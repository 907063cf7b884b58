"""``maatwerk search-index``: (re)build the case search's text and, on PostgreSQL, its
Dutch full-text vectors for every case, in batches (docs/cases.md#finding-a-case).
The services keep it up to date; run this once after an upgrade that added the search,
and after loading data that bypassed the services (``maatwerk generate-data`` runs it
itself)."""

from django.core.management.base import BaseCommand

from maatwerk.cases.models import Case
from maatwerk.cases.search import BATCH, refresh


class Command(BaseCommand):
    help = "Rebuild the case search index (every case, in batches)."

    def handle(self, *args, **options):
        ids = Case.objects.order_by("pk").values_list("pk", flat=True)
        written = 0
        last = 0
        while chunk := list(ids.filter(pk__gt=last)[:BATCH]):
            written += refresh(chunk)
            last = chunk[-1]
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {written} cases."))
