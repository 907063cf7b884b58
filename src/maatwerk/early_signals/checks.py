"""System check of the early signals' configuration."""

from django.conf import settings
from django.core import checks

MIN_KEY_LENGTH = 32


@checks.register(checks.Tags.security)
def match_key(app_configs=None, **kwargs):
    """The match keys' HMAC key must be set outside DEBUG, and long enough."""
    key = getattr(settings, "SIGNAL_MATCH_KEY", "") or ""
    if len(key) < MIN_KEY_LENGTH:
        return [
            checks.Error(
                "MAATWERK_SIGNAL_MATCH_KEY is not set or shorter than 32 characters.",
                hint=(
                    "Set it to a random secret of at least 32 characters, kept outside the "
                    "database and its backups: it hashes the addresses that signals are "
                    "matched on (docs/configuration.md, docs/early-signals.md)."
                ),
                id="maatwerk.early_signals.E001",
            )
        ]
    return []
