"""``maatwerk learning-reindex``: recompute the stems of every precedent and rebuild
the full-text index (docs/adr/0008-dutch-full-text-search.md). Run it after a change of
the stemmer or the stop words in ``maatwerk.core.textsearch``; safe to run at any time
and more than once."""

from django.core.management.base import BaseCommand

from maatwerk.learning.services import precedents_reindex


class Command(BaseCommand):
    help = "Recompute the search stems of every precedent and rebuild the full-text index."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size=500, **options):
        done = precedents_reindex(batch_size=max(1, batch_size))
        self.stdout.write(self.style.SUCCESS(f"{done} precedents re-indexed."))
