"""Django settings for Layak, read from the environment (see README, "Configuration").

Three modes:
- production (default): refuses to start without SECRET_KEY and ALLOWED_HOSTS;
- demo (``LAYAK_DEMO=1``, set by ``make run``): a secret generated once under ``var/``, localhost
  hosts, demo logins shown on the sign-in page;
- tests: pytest sets ``LAYAK_DEMO=1`` through ``layak/conftest.py``.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from layak.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LAYAK_VAR_DIR", str(BASE_DIR / "var")))

DEMO = env_bool("LAYAK_DEMO", False)
DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not (DEMO or DEBUG):
        raise ImproperlyConfigured("SECRET_KEY must be set outside demo mode.")
    # Demo: one random key per installation, kept so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not (DEMO or DEBUG):
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set outside demo mode.")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "layak.core",
    "layak.regions",
    "layak.accounts",
    "layak.organisations",
    "layak.audit",
    "layak.frameworks",
    "layak.evaluation",
    "layak.evidence",
    "layak.api",
    "layak.taskforce",
    "layak.plans",
    "layak.partners",
    "layak.afse",
    "layak.participation",
    "layak.jobs",
    "layak.indicators",
    "layak.dashboards",
    "layak.reports",
    "layak.portal",
    "layak.notifications",
    "layak.discussions",
    "layak.offline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "layak.audit.middleware.RequestIdMiddleware",
    "layak.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "layak.accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "layak.core.cache_control.CacheControlMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "layak.accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "layak.notifications.notify.NoticeBatchMiddleware",
    "layak.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "layak.urls"
WSGI_APPLICATION = "layak.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "layak" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "layak.core.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL through DATABASE_URL in production.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'layak.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE transactions plus a busy timeout make
    # concurrent writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env_bool("DB_SERVER_SIDE_BINDING", True):
        # Parameters travel apart from the SQL, so psycopg prepares a statement once a
        # connection has run it DB_PREPARE_THRESHOLD times and PostgreSQL keeps its plan for the
        # connection's life (DB_CONN_MAX_AGE) instead of planning it on every run. Turn it off
        # behind a pooler in transaction mode that does not track prepared statements
        # (pgbouncer before 1.21, or without max_prepared_statements): a prepared statement
        # lives in one server connection. PostgreSQL refuses a GROUP BY of an expression
        # holding a parameter with it ($1 in the select list and $2 in GROUP BY differ), so
        # such expressions stay out of grouped queries.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "server_side_binding": True,
                "prepare_threshold": env_int("DB_PREPARE_THRESHOLD", 5),
            }
        )
    if not env_bool("DB_JIT", False):
        # PostgreSQL compiles a query it estimates as costly (JIT): for the score totals over
        # a national cycle that takes longer than running it, on every run. Layak's queries
        # are short reads and writes; set DB_JIT=1 to let the server decide.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# "figures": the dashboards' figures, shared by every web process and machine (docs/caching.md).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "layak_cache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Invitations and password resets use the same signed link; an invitation stays valid a week.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 7 * 24 * 3600)

# Login throttling: after AXES_FAILURE_LIMIT wrong passwords for one account from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# The client's address (django-ipware): with PROXY_COUNT proxies in front, from the
# X-Forwarded-For each appends to, counted from its end (the nearest proxy appends its peer and
# is not in it itself), so an address a client writes there is never believed; with none, the
# connection's own address only.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1 if PROXY_COUNT else None
# Addresses a client wrote before the proxies' own are skipped, not a reason to distrust the
# header: the count from its end decides.
IPWARE_STRICT = False
AXES_VERBOSE = False

# Two-factor sign-in (TOTP, an authenticator app's six-digit code): required for these roles
# (membership role codes, comma-separated), optional for everyone else. After OTP_FAILURE_LIMIT
# wrong codes the half-finished sign-in is dropped; wrong codes also count toward the lockout
# above.
OTP_REQUIRED_ROLES = env_list(
    "OTP_REQUIRED_ROLES", ["ministry_admin", "province_verifier", "district_admin"]
)
OTP_FAILURE_LIMIT = env_int("OTP_FAILURE_LIMIT", 5)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Layak")

# Language: Indonesian by default, English second.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "layak" / "locale"]
LANGUAGE_COOKIE_NAME = "layak_language"
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
# ISO first for the browser's date and time inputs, in every language (layak/core/formats).
FORMAT_MODULE_PATH = ["layak.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "layak" / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served publicly: files go through views that check access

_S3_BUCKET = env_str("S3_BUCKET")
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "layak.core.storage.StaticStorage"},
}
if _S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Email: printed to the console unless an SMTP host is set.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Layak <noreply@layak.localhost>")
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # A mail server that does not answer must not hold a worker: the email waits for a retry.
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Absolute links in emails (invitations, notices) are built on this address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work: django-tasks on the database; `manage.py db_worker` runs it.
# Background jobs: a running job without a heartbeat for this long is taken for cut off (its
# worker stopped) and queued again, at most JOB_MAX_ATTEMPTS runs in all.
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 300)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
JOB_HEARTBEAT_THREAD = True

# The public portal shows counts of sensitive indicators (violence, child marriage, children in
# conflict with the law) below this number as "< N".
PORTAL_SUPPRESS_BELOW = env_int("PORTAL_SUPPRESS_BELOW", 5)

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security headers. HTTPS settings are on by default outside demo and debug.
_HTTPS = env_bool("HTTPS", not (DEMO or DEBUG))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
# A session ends after this many minutes without a request. A request renews it (a database
# write) only when its last renewal is older than SESSION_RENEW_SECONDS
# (layak.accounts.middleware.SessionRenewalMiddleware), so it ends at most that much earlier.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = "layak.accounts.sessions"
SESSION_RENEW_SECONDS = min(60, SESSION_COOKIE_AGE // 10)

# Content security policy: scripts, styles, images and fonts from Layak itself only; no inline
# script or style, no framing, forms post only to Layak. The API's interactive docs page is the
# package's own and keeps the package's page as it is.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # fontTools (WeasyPrint's font subsetting where HarfBuzz's is missing) logs every glyph.
    "loggers": {"axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Evidence uploads: the largest file accepted (bytes), 20 MB by default.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20) * 1_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_000_000

# Deadline reminders: sent this many days before a stage closes.
REMINDER_LEAD_DAYS = [int(d) for d in env_list("REMINDER_LEAD_DAYS", ["7", "3", "1"])]

# REST API: requests a minute per token.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
# HTTP Basic with an account's password on the API (DHIS2 clients); tokens work without it.
API_BASIC_AUTH = env_bool("API_BASIC_AUTH", False)
