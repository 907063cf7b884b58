"""System checks of the access log's configuration."""

from django.conf import settings
from django.core import checks

MIN_KEY_LENGTH = 32


@checks.register(checks.Tags.security)
def checkpoint_key(app_configs=None, **kwargs):
    """The checkpoints' signing key must be set outside DEBUG, and long enough."""
    keys = getattr(settings, "AUDIT_CHECKPOINT_KEYS", []) or []
    if not keys:
        return [
            checks.Error(
                "MAATWERK_AUDIT_CHECKPOINT_KEY is not set.",
                hint=(
                    "Set it to a random secret of at least 32 characters, kept outside the "
                    "database and its backups: it signs the access log's checkpoints "
                    "(docs/configuration.md, docs/audit.md)."
                ),
                id="maatwerk.audit.E001",
            )
        ]
    short = [n for n, key in enumerate(keys, start=1) if len(key) < MIN_KEY_LENGTH]
    if short:
        return [
            checks.Error(
                f"MAATWERK_AUDIT_CHECKPOINT_KEY: key {short[0]} of {len(keys)} is shorter "
                f"than {MIN_KEY_LENGTH} characters.",
                hint="Use a random secret, e.g. python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'.",
                id="maatwerk.audit.E002",
            )
        ]
    return []
