from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maatwerk.demo.load import create_demo_data


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Also load the demo data when DEBUG is off (never on a real installation).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: demo users have a known "
                "password. Use --force only on a test or training installation."
            )
        logins = create_demo_data()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Demo logins:"))
        for login in logins:
            line = f"  {login.username:<16} {settings.DEMO_PASSWORD}   ({', '.join(login.roles)})"
            if login.totp_secret:
                line += f"\n  {'':<16} two-factor (TOTP) secret: {login.totp_secret}"
            self.stdout.write(line)
