"""Links that leave the application (e-mails): absolute when MAATWERK_SITE_URL is set."""

from django.conf import settings


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else path
