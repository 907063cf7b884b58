"""Maatwerk settings.

Every setting that may differ between installations is read from an environment
variable, here, next to the place it is used. docs/configuration.md lists them all;
keep the two in step (tests/test_configuration_docs.py checks that every variable
read here is documented).
"""

import hashlib
import hmac
import os
import secrets
from datetime import date, timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/maatwerk
PROJECT_DIR = BASE_DIR.parent.parent  # the checkout (or the install prefix)


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


# MAATWERK_VAR_DIR: where the embedded database, the development secret key and
# uploaded files live. Default: var/ in the current working directory.
VAR_DIR = Path(env("MAATWERK_VAR_DIR", str(Path.cwd() / "var"))).resolve()

# DEBUG: development mode (detailed error pages, console e-mail). Default: false.
DEBUG = env_bool("DEBUG", False)

# SECRET_KEY: required when DEBUG is off. In development a key is generated once
# and kept in var/secret_key.
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not env_bool("MAATWERK_DEV_SECRET_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off (set DEBUG=true for development)."
        )
    # MAATWERK_DEV_SECRET_KEY: allow the generated development key with DEBUG off
    # (for a local set-up that must run like production; never on a real one).
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

# ALLOWED_HOSTS: comma-separated host names. Default in DEBUG: localhost names.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
# CSRF_TRUSTED_ORIGINS: comma-separated origins (https://maatwerk.example.org) when
# the app runs behind a proxy on another origin.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "maatwerk.accounts",
    "maatwerk.audit",
    "maatwerk.register",
    "maatwerk.cases",
    "maatwerk.notices",
    "maatwerk.journeys",
    "maatwerk.meetings",
    "maatwerk.budgets",
    "maatwerk.learning",
    "maatwerk.early_signals",
    "maatwerk.reports",
    "maatwerk.api",
    "maatwerk.web",
    "maatwerk.scheduler",
    "maatwerk.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "mozilla_django_oidc",
    "csp",
    "django_zxcvbn_password_validator",  # for its Dutch messages
    # Work a user starts and waits for (an import, a long report): django.tasks (the
    # backport) with the database backend; `maatwerk db_worker` runs them
    # (docs/adr/0009-task-mechanism.md, docs/scheduler.md).
    "django_tasks",
    "django_tasks_db",
    # The REST API (/api/v1/, docs/api.md, docs/adr/0011-rest-api.md).
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (CSRF does): a too large upload is refused unread.
    "maatwerk.web.middleware.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: the static files it serves get neither of these headers.
    "csp.middleware.CSPMiddleware",
    "maatwerk.web.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "maatwerk.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "maatwerk.web.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "maatwerk.accounts.middleware.SessionTimeoutMiddleware",
    "maatwerk.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Logs every refused attempt on one object (a 404 raised as audit.access.Refused).
    "maatwerk.audit.access.RefusalLogMiddleware",
]

ROOT_URLCONF = "maatwerk.conf.urls"
WSGI_APPLICATION = "maatwerk.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # short_date in every template (web/templatetags/dates.py).
            "builtins": ["maatwerk.web.templatetags.dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "maatwerk.web.context_processors.navigation",
                "maatwerk.notices.context_processors.notifications",
            ],
        },
    },
]

# DATABASE_URL: the database. Default: the embedded SQLite file var/maatwerk.sqlite3.
# PostgreSQL: postgres://user:password@host:5432/name
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'maatwerk.sqlite3'}")
if DATABASE_URL.startswith("sqlite:///") and not DATABASE_URL.startswith("sqlite:////"):
    # A relative path: relative to the current directory.
    DATABASE_URL = f"sqlite:///{Path(DATABASE_URL.removeprefix('sqlite:///')).resolve()}"
_db = dj_database_url.parse(
    DATABASE_URL,
    conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    conn_health_checks=True,
)
# DATABASE_CONN_MAX_AGE: seconds to keep database connections open for reuse. Default:
# 60 (a new PostgreSQL connection per request halved the logged-in throughput).
if _db["ENGINE"] == "django.db.backends.sqlite3":
    Path(_db["NAME"]).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _db["ENGINE"] = "maatwerk.dbbackends.sqlite3"
    _db["OPTIONS"] = {
        # Take the write lock when a transaction starts: serialises writers (and so
        # the access-log hash chain) instead of failing half-way with "locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler added 0.13-1.44 s to each large list query and never
    # paid back on these short OLTP queries (measured, docs/performance.md).
    _db.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES = {"default": _db}
# MAATWERK_REPLICA_DATABASE_URL: a read replica of DATABASE_URL (PostgreSQL streaming
# replication) for the reads that can live with a few seconds of lag: the report and
# the exports (maatwerk.core.routing.read_from_replica). Default: none (every read
# goes to DATABASE_URL).
_replica_url = env("MAATWERK_REPLICA_DATABASE_URL", "")
if _replica_url:
    _replica = dj_database_url.parse(
        _replica_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("MAATWERK_REPLICA_DATABASE_URL must be a PostgreSQL URL.")
    _replica.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Tests read the replica through the default test database.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["maatwerk.core.routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # zxcvbn's estimate of how guessable a password is, against the word lists it ships
    # (among them passwords from public breaches): no network at run time.
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# MAATWERK_PASSWORD_MIN_STRENGTH: the zxcvbn score (0-4) a new password needs. Default 3
# ("safely unguessable": about 10^10 guesses).
PASSWORD_MINIMAL_STRENGTH = env_int("MAATWERK_PASSWORD_MIN_STRENGTH", 3)
# Words that make a password guessable here, on top of zxcvbn's own lists.
PASSWORD_EXTRA_DICTIONARY = [
    "maatwerk", "gemeente", "wijkteam", "buurtteam", "sociaal", "domein", "wachtwoord",
    "welkom", "geheim", "zomer", "winter", "lente", "herfst", "casus", "huishouden",
]  # fmt: skip
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Lockout (django-axes) ---------------------------------------------------
# AXES_FAILURE_LIMIT: failed logins per username + client address before lockout.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# AXES_COOLOFF_MINUTES: how long a lockout lasts. Default: 15 minutes.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# MAATWERK_TRUSTED_PROXY_COUNT: how many reverse proxies of your own stand in front of
# the app and append to X-Forwarded-For. The client address (used for the lockout and
# recorded in the access log) is then the entry that many places from the right.
# Default 0: the socket address, and X-Forwarded-For is ignored (it can be forged).
TRUSTED_PROXY_COUNT = env_int("MAATWERK_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "maatwerk.core.http.client_address"

# --- Two-factor authentication (django-otp, TOTP) ----------------------------
# MAATWERK_2FA_REQUIRED_FOR_ALL: require two-factor login for every user, not only
# for the roles that always need it (admin, privacy_officer). Default: false.
TWO_FACTOR_REQUIRED_FOR_ALL = env_bool("MAATWERK_2FA_REQUIRED_FOR_ALL", False)
OTP_TOTP_ISSUER = env("MAATWERK_2FA_ISSUER", "Maatwerk")  # MAATWERK_2FA_ISSUER

# --- Sessions ------------------------------------------------------------------
# SESSION_IDLE_MINUTES: log out after this many minutes without a request. Default 30.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30) * 60
# SESSION_ABSOLUTE_HOURS: log out this many hours after login, whatever happens. Default 10.
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_HOURS", 10) * 3600
# The session is saved when it changes; SessionTimeoutMiddleware changes "last seen" at
# most once a minute (accounts.middleware.LAST_SEEN_RESOLUTION), and the cookie lives
# that minute longer than the idle timeout, so the middleware's check is what counts.
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# SECURE_COOKIES: send cookies over HTTPS only. Default: true unless DEBUG.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
# SECURE_SSL_REDIRECT: redirect plain HTTP to HTTPS. Behind a proxy, needs
# MAATWERK_BEHIND_HTTPS_PROXY (or every request is redirected). Default: true unless DEBUG.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The liveness check (web:health) also answers plain HTTP: a load balancer probes the
# app process directly, without the HTTPS proxy in between.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# SECURE_HSTS_SECONDS: Strict-Transport-Security max-age; 0 sends no header.
# Default: a year (31536000) unless DEBUG, then 0.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
# SECURE_HSTS_INCLUDE_SUBDOMAINS: the HSTS header covers the host's subdomains too.
# Default: true.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# SECURE_HSTS_PRELOAD: add "preload" to the HSTS header. Default: false, because being on
# the browsers' preload list is the decision of the owner of the whole domain, and hard
# to undo; Django's deployment check that asks for it (security.W021) is silenced then.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("MAATWERK_BEHIND_HTTPS_PROXY", False):
    # MAATWERK_BEHIND_HTTPS_PROXY: trust X-Forwarded-Proto from the proxy. Default: false.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp). The application ships no JavaScript of its own;
# the only scripts are the admin's, from this origin. No 'unsafe-inline': an inline
# style or script is refused. The journey timeline positions its markers in a <style>
# element with the request's nonce (request.csp_nonce); the Utrecht checkboxes draw
# their tick as a data: SVG. The Permissions-Policy header: maatwerk.web.middleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF, NONCE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- OpenID Connect (optional) -----------------------------------------------
# OIDC_ENABLED: offer login through the organisation's identity provider. Default false.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.insert(1, "maatwerk.accounts.oidc.MaatwerkOIDCBackend")
# OIDC_RP_CLIENT_ID / OIDC_RP_CLIENT_SECRET: this application's client at the provider.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", "")
# OIDC_RP_SIGN_ALGO: RS256 (default, needs OIDC_OP_JWKS_ENDPOINT) or HS256.
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", "RS256")
# OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, OIDC_OP_USER_ENDPOINT,
# OIDC_OP_JWKS_ENDPOINT: the provider's endpoints.
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", "openid email profile")  # OIDC_RP_SCOPES
# OIDC_CREATE_USER: create an account (without any role) on first OIDC login. Default true.
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", True)
# OIDC_USERNAME_CLAIM: the claim that becomes the username. Default: preferred_username.
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", "preferred_username")
# OIDC_DEFAULT_ORGANISATION: name of the register organisation new OIDC users belong to.
OIDC_DEFAULT_ORGANISATION = env("OIDC_DEFAULT_ORGANISATION", "")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Amsterdam")  # TIME_ZONE: display time zone
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------
STATIC_URL = "/static/"
# STATIC_ROOT: where `maatwerk collectstatic` puts static files. Default: var/static.
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# MEDIA_ROOT: private uploaded files (never served directly). Default: var/media.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files (receipts) and their folders: readable by the application's user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# MAATWERK_MAX_UPLOAD_MB: the largest upload accepted, in MB. A request announcing a
# larger body is refused (413) before it is read (web.middleware.UploadLimitMiddleware).
MAX_UPLOAD_BYTES = env_int("MAATWERK_MAX_UPLOAD_MB", 10) * 1024 * 1024

# --- E-mail ------------------------------------------------------------------
# EMAIL_URL-style settings, each on its own: EMAIL_HOST (empty: print mails to the
# console), EMAIL_PORT (587), EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS
# (true), DEFAULT_FROM_EMAIL (maatwerk@localhost).
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "maatwerk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# MAATWERK_SEND_LETTERS: whether professionals may send a request's letter to an
# organisation by e-mail from the app (journeys.services.letter_send). Default: true
# when EMAIL_HOST is set (otherwise they download the letter and send it themselves).
SEND_LETTERS = env_bool("MAATWERK_SEND_LETTERS", bool(EMAIL_HOST))

# --- Logging -----------------------------------------------------------------
# LOG_LEVEL: level of the application log on stderr. Default: INFO.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Demo data -----------------------------------------------------------------
# MAATWERK_DEMO_PASSWORD: the password of every demo user. Default: maatwerk-demo.
DEMO_PASSWORD = env("MAATWERK_DEMO_PASSWORD", "maatwerk-demo")

# --- Field encryption ----------------------------------------------------------
# MAATWERK_FIELD_KEYS: comma-separated Fernet keys that encrypt the direct identifiers
# of a household (names, date of birth, BSN, address) in the database
# (maatwerk.cases.fields). The first key encrypts; every key decrypts, so a new key can
# be put in front while rows written with the old one are re-encrypted. Required when
# DEBUG is off. In development (DEBUG, MAATWERK_DEV_FIELD_KEYS, or the test settings)
# a key is generated once and kept in var/field_keys.


def _field_encryption_keys() -> list[str]:
    from cryptography.fernet import Fernet

    keys = env_list("MAATWERK_FIELD_KEYS")
    if not keys:
        # MAATWERK_DEV_FIELD_KEYS: allow the generated development key with DEBUG off
        # (for a local set-up that must run like production; never on a real one).
        if not (
            DEBUG
            or env_bool("MAATWERK_DEV_FIELD_KEYS", False)
            or os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith("test_settings")
        ):
            raise ImproperlyConfigured(
                "MAATWERK_FIELD_KEYS is required when DEBUG is off: the key that encrypts "
                "personal data in the database (see docs/configuration.md, 'Encryption "
                "of personal data'). Set DEBUG=true for development."
            )
        VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = VAR_DIR / "field_keys"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # generated before (or by a process starting at the same moment)
        else:
            with os.fdopen(fd, "w") as file:
                file.write(Fernet.generate_key().decode("ascii"))
        keys = [key.strip() for key in path.read_text().split(",") if key.strip()]
        if not keys:
            raise ImproperlyConfigured(f"{path} is empty; delete it to generate a new key.")
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"MAATWERK_FIELD_KEYS: key {number} of {len(keys)} is not a Fernet key "
                "(32 bytes in URL-safe base64, 44 characters ending in '=')."
            ) from None
    return keys


FIELD_ENCRYPTION_KEYS = _field_encryption_keys()


# --- Access-log checkpoints (docs/audit.md) ------------------------------------------
# MAATWERK_AUDIT_CHECKPOINT_KEY: the HMAC-SHA256 key that signs the access log's
# checkpoints (the count and the newest hash, written by the scheduler), held outside
# the database so that whoever can change the database cannot forge a checkpoint.
# Comma-separated: the first signs, every key verifies (rotation). Required when DEBUG
# is off (a system check, maatwerk.audit.E001). In development and under the test
# settings a key is derived from SECRET_KEY.
AUDIT_CHECKPOINT_KEYS = env_list("MAATWERK_AUDIT_CHECKPOINT_KEY")
if not AUDIT_CHECKPOINT_KEYS and (
    DEBUG or os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith("test_settings")
):
    AUDIT_CHECKPOINT_KEYS = [
        hmac.new(SECRET_KEY.encode(), b"maatwerk audit checkpoint", hashlib.sha256).hexdigest()
    ]
# MAATWERK_AUDIT_CHECKPOINT_FILE: a file to which every checkpoint is also appended, one
# JSON line each (ideally on storage the database's administrators cannot rewrite).
# Default: empty (checkpoints only in the database).
AUDIT_CHECKPOINT_FILE = env("MAATWERK_AUDIT_CHECKPOINT_FILE", "") or ""


# --- Working days ----------------------------------------------------------------
# MAATWERK_EXTRA_HOLIDAYS: comma-separated dates (YYYY-MM-DD) that count as public
# holidays on top of the Algemene termijnenwet's, e.g. bridge days set by decree.
def _dates(values: list[str], name: str) -> list:
    from datetime import date

    try:
        return [date.fromisoformat(value) for value in values]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must list dates as YYYY-MM-DD") from exc


EXTRA_HOLIDAYS = _dates(env_list("MAATWERK_EXTRA_HOLIDAYS"), "MAATWERK_EXTRA_HOLIDAYS")

# --- Scheduler: deadlines and escalation (docs/scheduler.md) ---------------------------
# MAATWERK_SCHEDULER_INTERVAL_SECONDS: how often `maatwerk scheduler` runs the due jobs
# (overdue requests, escalation notices). Default: 300 (five minutes).
SCHEDULER_INTERVAL_SECONDS = env_int("MAATWERK_SCHEDULER_INTERVAL_SECONDS", 300)
if SCHEDULER_INTERVAL_SECONDS < 1:
    raise ImproperlyConfigured("MAATWERK_SCHEDULER_INTERVAL_SECONDS must be at least 1")
# MAATWERK_SITE_URL: the address users open Maatwerk at (https://maatwerk.example.org),
# put in front of the links in e-mails. Default: empty (the links are paths only).
SITE_URL = (env("MAATWERK_SITE_URL", "") or "").rstrip("/")
# EMAIL_TIMEOUT: seconds to wait for the SMTP server before giving up. Default: 30.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
LOGGING["loggers"]["apscheduler"] = {"level": "WARNING"}  # the scheduler logs each run itself

# MAATWERK_REFUSAL_FOLLOW_UP_DAYS: a refused request without a next step for this many
# days needs attention (work queue). Default 10.
REFUSAL_FOLLOW_UP_DAYS = env_int("MAATWERK_REFUSAL_FOLLOW_UP_DAYS", 10)
# MAATWERK_LEARNING_REMINDER_WEEKS: a learning point sent to its addressee without a
# new step for this many weeks gets one reminder e-mail (learning.jobs). Default 6.
LEARNING_REMINDER_WEEKS = env_int("MAATWERK_LEARNING_REMINDER_WEEKS", 6)
# MAATWERK_LEARNING_FOLLOW_UP_DATE: day-month of the yearly follow-up round, when every
# open learning point's addressee is asked what it did with it. Default 15-01.
_follow_up = env("MAATWERK_LEARNING_FOLLOW_UP_DATE", "15-01")
try:
    LEARNING_FOLLOW_UP_DATE = tuple(int(part) for part in _follow_up.split("-"))
    date(2001, LEARNING_FOLLOW_UP_DATE[1], LEARNING_FOLLOW_UP_DATE[0])  # not 29-02
    if len(LEARNING_FOLLOW_UP_DATE) != 2:
        raise ValueError
except (ValueError, IndexError):
    raise ImproperlyConfigured(
        f"MAATWERK_LEARNING_FOLLOW_UP_DATE must be day-month, like 15-01, not {_follow_up!r}"
    ) from None
# MAATWERK_EXCEPTION_CANDIDATE_APPROVALS: a rule approved as an exception this many
# times in a year is flagged in the exceptions register as a candidate for an order-3
# learning point (a rule change). Default 5.
EXCEPTION_CANDIDATE_APPROVALS = env_int("MAATWERK_EXCEPTION_CANDIDATE_APPROVALS", 5)
# MAATWERK_DISCLOSURE_THRESHOLD: counts from 1 up to this number minus one are
# suppressed wherever aggregated figures are shown to analysts or published. Default 5.
DISCLOSURE_THRESHOLD = env_int("MAATWERK_DISCLOSURE_THRESHOLD", 5)
# MAATWERK_APPROVAL_REMINDER_DAYS: a spend still awaiting approval this many working
# days after it was asked for gets one reminder e-mail to the team's budget holders.
APPROVAL_REMINDER_DAYS = env_int("MAATWERK_APPROVAL_REMINDER_DAYS", 2)
# MAATWERK_BREAK_GLASS_MINUTES: how long an emergency access (break-the-glass) to a case
# lasts, in minutes (read-only, logged, reviewed by the privacy officer). Default 60.
BREAK_GLASS_MINUTES = env_int("MAATWERK_BREAK_GLASS_MINUTES", 60)
if not 1 <= BREAK_GLASS_MINUTES <= 24 * 60:
    raise ImproperlyConfigured("MAATWERK_BREAK_GLASS_MINUTES must be between 1 and 1440")


# --- The REST API (docs/api.md, docs/adr/0011-rest-api.md) -----------------------------
# MAATWERK_API_RATE: requests per token (or per logged-in user) per minute.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "maatwerk.api.authentication.TokenAuthentication",
        "maatwerk.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["maatwerk.api.permissions.HasScope"],
    "DEFAULT_PAGINATION_CLASS": "maatwerk.api.pagination.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["maatwerk.api.throttling.PerClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": f"{env_int('MAATWERK_API_RATE', 600)}/min"},
    "EXCEPTION_HANDLER": "maatwerk.api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Maatwerk API",
    "DESCRIPTION": (
        "The REST API of Maatwerk (eenvoudig maatwerk in het sociaal domein). "
        "The same access rules as the pages; every call is logged in the access log. "
        "See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs' JavaScript and CSS come from our own static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SERVE_AUTHENTICATION": [
        "maatwerk.api.authentication.TokenAuthentication",
        "maatwerk.api.authentication.SessionAuthentication",
    ],
    "ENUM_NAME_OVERRIDES": {},
}

# --- Early signals (vroegsignalering, docs/early-signals.md) ---------------------------
# MAATWERK_SIGNAL_MATCH_KEY: the HMAC-SHA256 key of the match keys of signals (the
# hashed, normalised address and person that bundling and deduplication look up), so
# that the indexed column is not the address (docs/adr/0010-signal-match-keys.md).
# Required when DEBUG is off (system check maatwerk.early_signals.E001); in development
# and under the test settings derived from SECRET_KEY. Changing it makes existing
# signals unmatchable by new ones until `maatwerk signals-rekey` has run.
SIGNAL_MATCH_KEY = env("MAATWERK_SIGNAL_MATCH_KEY", "") or ""
if not SIGNAL_MATCH_KEY and (
    DEBUG or os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith("test_settings")
):
    SIGNAL_MATCH_KEY = hmac.new(
        SECRET_KEY.encode(), b"maatwerk signal match key", hashlib.sha256
    ).hexdigest()
# MAATWERK_SIGNAL_BUNDLE_DAYS: signals for the same address whose signal dates lie at
# most this many days after the bundle's first signal join that bundle (while it is
# open). Default 60.
SIGNAL_BUNDLE_DAYS = env_int("MAATWERK_SIGNAL_BUNDLE_DAYS", 60)
# MAATWERK_SIGNAL_CONTACT_DAYS: first contact within this many calendar days of
# receiving a signal (4 weeks); a deadline on a weekend or holiday moves to the next
# working day (Algemene termijnenwet). Default 28.
SIGNAL_CONTACT_DAYS = env_int("MAATWERK_SIGNAL_CONTACT_DAYS", 28)
# MAATWERK_SIGNAL_THREAT_WORKING_DAYS: first contact within this many working days when
# the situation is threatening (an eviction or a disconnection announced). Default 3.
SIGNAL_THREAT_WORKING_DAYS = env_int("MAATWERK_SIGNAL_THREAT_WORKING_DAYS", 3)
# MAATWERK_SIGNAL_RETENTION_DAYS: the signal data of a bundle that did not lead to help
# (declined, unreachable, already in help, or never followed up) is deleted this many
# days after the bundle was closed or its last signal received. Default 365 (see
# docs/early-signals.md, "Retention", for the legal source).
SIGNAL_RETENTION_DAYS = env_int("MAATWERK_SIGNAL_RETENTION_DAYS", 365)
for _name, _value in (
    ("MAATWERK_SIGNAL_BUNDLE_DAYS", SIGNAL_BUNDLE_DAYS),
    ("MAATWERK_SIGNAL_CONTACT_DAYS", SIGNAL_CONTACT_DAYS),
    ("MAATWERK_SIGNAL_THREAT_WORKING_DAYS", SIGNAL_THREAT_WORKING_DAYS),
    ("MAATWERK_SIGNAL_RETENTION_DAYS", SIGNAL_RETENTION_DAYS),
):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1")
