"""Settings for the test suite: production settings with test-only conveniences."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "insecure-key-for-the-test-suite-only-" + "x" * 24)
os.environ.setdefault("MAATWERK_VAR_DIR", tempfile.mkdtemp(prefix="maatwerk-test-"))

from .settings import *  # noqa: F403
from .settings import STORAGES

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (whitenoise warns when absent)
# The test client and the browser tests' live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
