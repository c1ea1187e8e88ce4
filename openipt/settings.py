"""OpenIPT settings, read from the environment.

One module for every deployment. The embedded default is a SQLite file under
var/ with a secret key generated there on first run; DATABASE_URL switches to
PostgreSQL. In production mode the process refuses to start with an unsafe
configuration (see openipt.core.config.production_problems).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from openipt.core import config as cfg

ENV = dict(os.environ)
PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent

try:
    MODE = cfg.read_mode(ENV)
    VAR_DIR = Path(ENV.get("OPENIPT_VAR_DIR") or BASE_DIR / "var").resolve()
    DEBUG = cfg.env_bool(ENV, "OPENIPT_DEBUG", MODE == "development")
    if MODE == "test":
        SECRET_KEY = "test-only-secret-key-" + "x1y2z3" * 10
    else:
        SECRET_KEY = ENV.get("OPENIPT_SECRET_KEY") or cfg.load_or_create_secret(VAR_DIR)
    ALLOWED_HOSTS = cfg.split_list(ENV.get("OPENIPT_ALLOWED_HOSTS")) or (
        [] if MODE == "production" else ["127.0.0.1", "localhost", "[::1]", "testserver"]
    )
    SECURE_COOKIES = cfg.env_bool(ENV, "OPENIPT_SECURE_COOKIES", MODE == "production")
    _db = cfg.parse_database_url(ENV.get("DATABASE_URL"), VAR_DIR / "openipt.sqlite3")
    _email = cfg.parse_email_url(ENV.get("OPENIPT_EMAIL_URL"), MODE)
    SESSION_IDLE_MINUTES = cfg.env_int(ENV, "OPENIPT_SESSION_IDLE_MINUTES", 30, minimum=1)
    # The HTTPS proxies in front of OpenIPT; only they may say who the client is (X-Forwarded-For).
    TRUSTED_PROXIES = cfg.parse_trusted_proxies(ENV.get("OPENIPT_TRUSTED_PROXIES"))
    # /metrics (docs/operations/production.md): a bearer token, or scrapers' own addresses; neither: switched off.
    METRICS_TOKEN = ENV.get("OPENIPT_METRICS_TOKEN", "").strip()
    METRICS_ALLOWED_IPS = cfg.parse_trusted_proxies(ENV.get("OPENIPT_METRICS_ALLOWED_IPS"), "OPENIPT_METRICS_ALLOWED_IPS")
    # /readyz fails when the escalation runner has not finished a round for this long.
    ESCALATION_STALE_SECONDS = cfg.env_int(ENV, "OPENIPT_ESCALATION_STALE_SECONDS", 300, minimum=60)
    LOG_FORMAT = cfg.read_choice(ENV, "OPENIPT_LOG_FORMAT", ("json", "plain"), "json" if MODE == "production" else "plain")
    if MODE == "production":
        _problems = cfg.production_problems(
            debug=DEBUG,
            secret_key=SECRET_KEY,
            allowed_hosts=ALLOWED_HOSTS,
            secure_cookies=SECURE_COOKIES,
            database=_db,
            email_backend=str(_email["EMAIL_BACKEND"]),
        )
        if _problems:
            raise cfg.ConfigError("refusing to start in production mode: " + "; ".join(_problems))
except cfg.ConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from None

globals().update(_email)
DEFAULT_FROM_EMAIL = ENV.get("OPENIPT_FROM_EMAIL", "OpenIPT <no-reply@localhost>")
SITE_URL = ENV.get("OPENIPT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The audit log's keyring and signed checkpoints live outside the database (docs/operations/audit-and-backup.md).
# A site's own facilitator competency tools (YAML, openipt/supervision/competency/tools/ shows the shape).
COMPETENCY_TOOL_DIRS = [VAR_DIR / "competency-tools"]
AUDIT_KEY_FILE = Path(ENV.get("OPENIPT_AUDIT_KEY_FILE") or VAR_DIR / "audit-keys")
AUDIT_CHECKPOINT_DIR = Path(ENV.get("OPENIPT_AUDIT_CHECKPOINT_DIR") or VAR_DIR / "audit-checkpoints")
AUDIT_CHECKPOINT_COPY_DIR = ENV.get("OPENIPT_AUDIT_CHECKPOINT_COPY_DIR") or None  # optional write-once copy

if _db.engine == "sqlite":
    if MODE != "test":
        Path(_db.name).parent.mkdir(parents=True, exist_ok=True)
    DATABASES: dict[str, dict[str, object]] = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _db.name,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=10000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 10,
            },
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": _db.name,
            "USER": _db.user,
            "PASSWORD": _db.password,
            "HOST": _db.host,
            "PORT": _db.port,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "openipt.core",
    "openipt.audit",
    "openipt.accounts",
    "openipt.clients",
    "openipt.protocol",
    "openipt.courses",
    "openipt.assessment",
    "openipt.measures",
    "openipt.safety",
    "openipt.practice",
    "openipt.groups",
    "openipt.supervision",
    "openipt.couples",
    "openipt.messaging",
    "openipt.consent",
    "openipt.today",
    "openipt.portal",
    "openipt.api",
    "openipt.programmes",
    "openipt.sms",
    "openipt.offline",
]

MIDDLEWARE = [
    "openipt.core.requestid.RequestIdMiddleware",
    "openipt.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openipt.core.middleware.CleanInputMiddleware",
    "openipt.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "openipt.accounts.middleware.IdleTimeoutMiddleware",
    "openipt.accounts.middleware.ActingMembershipMiddleware",
    "openipt.accounts.middleware.PersonLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openipt.urls"
WSGI_APPLICATION = "openipt.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "openipt.core.context_processors.site",
                "openipt.accounts.context_processors.language",
            ],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if MODE == "test":
    # Argon2 at full cost would make the suite slow; tests of hashing use it explicitly.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login hardening: lock a username from an address after repeated failures.
AXES_FAILURE_LIMIT = cfg.env_int(ENV, "OPENIPT_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=cfg.env_int(ENV, "OPENIPT_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "openipt.accounts.client_ip.client_ip"  # lock per client, not per proxy
AXES_ENABLE_ADMIN = False

# Sessions end after inactivity (enforced by IdleTimeoutMiddleware) and with the browser.
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "openipt.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The proxy's and the orchestrator's health checks ask the app servers directly over plain HTTP (Caddy's
# health_uri, the compose health check): redirected to HTTPS they fail, and the proxy would take every app
# server out at once (HAZ-043). They carry no personal data and no session, so they answer over HTTP too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if MODE == "production":
    SECURE_SSL_REDIRECT = cfg.env_bool(ENV, "OPENIPT_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = cfg.split_list(ENV.get("OPENIPT_CSRF_TRUSTED_ORIGINS"))

# `check --deploy` asks for HSTS on every subdomain and for the browsers' preload list. Both bind the whole
# domain, not this server: a clinic often runs OpenIPT on one host of a domain whose other hosts it does not
# run, and leaving the preload list takes months. That choice belongs to the domain's owner, so not here.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if MODE == "test"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

LANGUAGE_CODE = "en"
# Each language is named in itself, for the chooser. Spanish is translated for the client portal, its
# e-mails and reminders; Swahili and Arabic are declared and partly translated (docs/guides/languages.md).
LANGUAGES = [("en", "English"), ("es", "Español"), ("sw", "Kiswahili"), ("ar", "العربية")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = ENV.get("OPENIPT_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object per line (production's default) or plain text; both carry the request id.
    "filters": {"request_id": {"()": "openipt.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "openipt.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "openipt": {"level": "INFO" if MODE != "test" else "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# Password-reset links work once, for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

# Invitations expire after this many days.
# The REST API: calls per token per minute (429 past it) and the largest request body it reads (413 past it).
API_CALLS_PER_MINUTE = cfg.env_int(ENV, "OPENIPT_API_CALLS_PER_MINUTE", 120, minimum=1)
API_MAX_BODY_BYTES = 64 * 1024
# The changes feed leaves out records changed in the last few seconds, so a late-committing change is not skipped.
API_CHANGES_LAG_SECONDS = 5
# Webhooks: host names a webhook may call although they resolve to a private or local address (the clinic's own
# network), and whether plain http is allowed (never in production).
WEBHOOK_ALLOWED_HOSTS = [h.lower() for h in cfg.split_list(ENV.get("OPENIPT_WEBHOOK_ALLOWED_HOSTS"))]
WEBHOOK_ALLOW_HTTP = MODE == "test" or (DEBUG and MODE != "production")
# SMS through Africa's Talking: the live and sandbox API addresses (an organisation chooses which in its SMS
# settings; tests point them at a fake gateway on localhost).
SMS_AFRICASTALKING_LIVE_URL = ENV.get("OPENIPT_SMS_AFRICASTALKING_LIVE_URL", "https://api.africastalking.com")
SMS_AFRICASTALKING_SANDBOX_URL = ENV.get("OPENIPT_SMS_AFRICASTALKING_SANDBOX_URL",
                                         "https://api.sandbox.africastalking.com")
# Twilio's REST API (tests point it at a fake Twilio on localhost).
SMS_TWILIO_URL = ENV.get("OPENIPT_SMS_TWILIO_URL", "https://api.twilio.com")

INVITATION_DAYS = cfg.env_int(ENV, "OPENIPT_INVITATION_DAYS", 7, minimum=1)
