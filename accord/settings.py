"""Accord settings: every knob is an environment variable (see the table in README.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


ACCORD_ENV = env("ACCORD_ENV", "development")
PRODUCTION = ACCORD_ENV == "production"
DEBUG = env_bool("ACCORD_DEBUG", not PRODUCTION)

DATA_DIR = Path(env("ACCORD_DATA_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("ACCORD_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("ACCORD_SECRET_KEY must be set when ACCORD_ENV=production")
    # Development only: a fixed key keeps sessions valid across restarts of `make demo`.
    SECRET_KEY = "dev-only-insecure-key-change-me-" + "x" * 32

ALLOWED_HOSTS = [
    h for h in env("ACCORD_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in env("ACCORD_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "accord.core",
    "accord.orgs",
    "accord.parts",
    "accord.supply",
    "accord.planning",
    "accord.scorecards",
    "accord.agreements",
    "accord.partners",
    "accord.threads",
    "accord.web",
    "accord.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accord.core.middleware.ContentSecurityPolicyMiddleware",
    "accord.core.middleware.RequestSizeLimitMiddleware",
    "accord.core.middleware.AccessMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accord.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "accord.urls"
WSGI_APPLICATION = "accord.wsgi.application"
ASGI_APPLICATION = "accord.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accord.web.context.navigation",
            ],
        },
    }
]

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'accord.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed during a write; IMMEDIATE transactions take the write lock up
    # front so two writers queue on busy_timeout instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA cache_size=-20000; PRAGMA mmap_size=134217728;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": float(env("ACCORD_SQLITE_BUSY_TIMEOUT", "20")),
    }
    # Connections are kept as on PostgreSQL (accord.server runs requests on fixed threads):
    # a new SQLite connection runs the PRAGMAs above, reads the schema again and starts with
    # an empty page cache, which cost a part page about 5 ms of its 15.
else:
    # JIT compilation pays off for long analytical queries; for page-sized queries it costs
    # far more than it saves (measured: 1 s of JIT on a 60 ms part-list query).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.Person"
LOGIN_URL = "login"
CSRF_FAILURE_VIEW = "accord.web.views.csrf_failure"
AUTHENTICATION_BACKENDS = ["accord.orgs.auth.PersonBackend"]
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env("ACCORD_ENV") == "test":
    # Argon2 is deliberately slow; the suite creates many people.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("ACCORD_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

MAX_UPLOAD_MB = int(env("ACCORD_MAX_UPLOAD_MB", "20"))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Seconds a client has to send a request's head, and its body (plus a second per 16 KB received):
# a slower request is answered 408 and its connection closed (accord/server).
REQUEST_TIMEOUT = float(env("ACCORD_REQUEST_TIMEOUT", "20"))

# Links in invitations printed by the command line and sent by e-mail (pages use the address
# the browser used).
ACCORD_BASE_URL = env("ACCORD_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
ACCORD_INVITATION_DAYS = int(env("ACCORD_INVITATION_DAYS", "7"))
# Invitations are e-mailed only when an SMTP server is configured; the link is always shown on
# the page (and printed by the command line) as well.
EMAIL_HOST = env("ACCORD_SMTP_HOST")
ACCORD_EMAIL_ENABLED = bool(EMAIL_HOST)
EMAIL_PORT = int(env("ACCORD_SMTP_PORT", "587"))
EMAIL_HOST_USER = env("ACCORD_SMTP_USER")
EMAIL_HOST_PASSWORD = env("ACCORD_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("ACCORD_SMTP_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env("ACCORD_EMAIL_FROM", "accord@localhost")
# Notifications (accord/threads): e-mailed this many minutes after they happen (one e-mail per
# thread; none if read by then); a failed e-mail is tried again after ACCORD_NOTIFY_RETRY_MINUTES,
# doubled each time, at most ACCORD_NOTIFY_MAX_ATTEMPTS times; digests go out at this hour of the
# person's day; certificate expiry alerts at these numbers of days before expiry (0: the day).
ACCORD_NOTIFY_EMAIL_DELAY_MINUTES = int(env("ACCORD_NOTIFY_EMAIL_DELAY_MINUTES", "10"))
ACCORD_NOTIFY_RETRY_MINUTES = int(env("ACCORD_NOTIFY_RETRY_MINUTES", "5"))
ACCORD_NOTIFY_MAX_ATTEMPTS = int(env("ACCORD_NOTIFY_MAX_ATTEMPTS", "6"))
ACCORD_DIGEST_HOUR = int(env("ACCORD_DIGEST_HOUR", "7"))
ACCORD_CERT_ALERT_DAYS = tuple(
    sorted(
        {int(d) for d in env("ACCORD_CERT_ALERT_DAYS", "90,30,7,0").split(",") if d.strip()},
        reverse=True,
    )
)
# Signed NDAs: PDF only, at most this size.
MAX_NDA_DOCUMENT_MB = int(env("ACCORD_MAX_NDA_DOCUMENT_MB", "10"))
# Files attached to scorecard comments (corrective-action plans): at most this size each.
MAX_SCORECARD_ATTACHMENT_MB = int(env("ACCORD_MAX_SCORECARD_ATTACHMENT_MB", "10"))
# Evidence of certificates (PDF, PNG or JPEG): at most this size.
MAX_EVIDENCE_MB = int(env("ACCORD_MAX_EVIDENCE_MB", "10"))
# The first handler refuses a truncated multipart body (accord/core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "accord.core.uploads.CompleteMultipartHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGIN_RATE_LIMIT_ATTEMPTS = int(env("ACCORD_LOGIN_RATE_LIMIT", "5"))
LOGIN_RATE_LIMIT_WINDOW_SECONDS = 15 * 60

TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "rq": "django_tasks_rq.RQBackend",
        }[env("ACCORD_TASK_BACKEND", "database")]
    }
}

# The background task worker (`accord worker`, accord/core/worker.py) writes a heartbeat every
# WORKER_HEARTBEAT_SECONDS; one not seen for WORKER_STALE_SECONDS is dead: its running jobs are
# recovered by the next worker, and pages say that no worker is running.
WORKER_HEARTBEAT_SECONDS = float(env("ACCORD_WORKER_HEARTBEAT_SECONDS", "2"))
WORKER_STALE_SECONDS = float(env("ACCORD_WORKER_STALE_SECONDS", "15"))
# Runs of one task before it is failed when each ended with its worker's death.
WORKER_TASK_MAX_RUNS = 3
# Uploads nobody confirmed are discarded after this many days (`accord prune-import-uploads`).
IMPORT_PREVIEW_DAYS = int(env("ACCORD_IMPORT_PREVIEW_DAYS", "7"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("ACCORD_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("ACCORD_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("ACCORD_LOG_LEVEL", "WARNING")},
}
