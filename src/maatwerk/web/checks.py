"""System check: the static files of this release have been collected.

With ``DEBUG`` off, the static files are served by WhiteNoise from ``STATIC_ROOT``
through a manifest (``staticfiles.json``, written by ``maatwerk collectstatic``) that
maps each file to its name with a content hash. Without the manifest, or with one
from an older release that lacks a file, ``{% static %}`` fails and every page is a
server error. This check says so before that happens: ``maatwerk check --deploy``
reports it, and the WSGI application (``maatwerk.conf.wsgi``) refuses to start.

It is a deployment check only, so that ``maatwerk migrate`` and ``maatwerk
collectstatic`` itself, which run before the files are collected, are not stopped
by it.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

HINT = "Run `maatwerk collectstatic --no-input` at every release, before starting the app."
LISTED = 5  # missing files named in the message; the rest are counted


def static_manifest_errors() -> list[checks.Error]:
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return []  # DEBUG (or the test settings): files come from the apps as they are
    if staticfiles_storage.read_manifest() is None:
        return [
            checks.Error(
                f"The static files have not been collected: {staticfiles_storage.manifest_name} "
                f"is missing from STATIC_ROOT ({settings.STATIC_ROOT}), so every page "
                "would fail.",
                hint=HINT,
                id="maatwerk_static.E001",
            )
        ]
    collected, _manifest_hash = staticfiles_storage.load_manifest()
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    found = {path for finder in finders.get_finders() for path, _storage in finder.list(ignore)}
    missing = sorted(found - set(collected))
    if not missing:
        return []
    named = ", ".join(missing[:LISTED]) + (
        f" and {len(missing) - LISTED} more" if len(missing) > LISTED else ""
    )
    return [
        checks.Error(
            f"The static files were collected for another release: {named} "
            f"not in the manifest in STATIC_ROOT ({settings.STATIC_ROOT}); the pages that "
            "use them would fail.",
            hint=HINT,
            id="maatwerk_static.E002",
        )
    ]


@checks.register(checks.Tags.staticfiles, deploy=True)
def check_static_manifest(app_configs, **kwargs):
    return static_manifest_errors()


def require_collected_static() -> None:
    """Stop the start of the WSGI application when the check above fails: a server
    that does not start says what is wrong; one whose every page fails does not."""
    errors = static_manifest_errors()
    if errors:
        raise ImproperlyConfigured(" ".join(f"{error.msg} {error.hint}" for error in errors))
