"""Settings for the test suite: production settings with test-only conveniences."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only-" + "x" * 24)
os.environ.setdefault("MAATWERK_VAR_DIR", tempfile.mkdtemp(prefix="maatwerk-test-"))
# Under pytest-xdist every worker process gets a folder of its own (its media files,
# keys and static root), also when MAATWERK_VAR_DIR was given from outside.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.path.basename(os.environ["MAATWERK_VAR_DIR"]) != _worker:
    os.environ["MAATWERK_VAR_DIR"] = os.path.join(os.environ["MAATWERK_VAR_DIR"], _worker)
    os.makedirs(os.environ["MAATWERK_VAR_DIR"], mode=0o700, exist_ok=True)

from .settings import *  # noqa: E402, F403
from .settings import STORAGES  # noqa: E402

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (whitenoise warns when absent)
# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
# The test database on SQLite is in memory (Django's default), said explicitly: the
# engine is our own subclass, which pytest-django does not recognise as SQLite, so under
# pytest-xdist it would otherwise derive a file name "test_/…/maatwerk.sqlite3_gw0".
if DATABASES["default"]["ENGINE"] == "maatwerk.dbbackends.sqlite3":  # noqa: F405
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")  # noqa: F405
