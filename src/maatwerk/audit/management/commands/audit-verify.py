from django.core.management.base import BaseCommand, CommandError

from maatwerk.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Check the access log's hash chain and report the first broken link."

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"Access log chain broken at entry {broken.entry_id}: {broken.reason} "
                f"({checked} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Access log intact: {checked} entries verified."))
