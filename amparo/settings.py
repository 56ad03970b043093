"""Amparo's one settings module.

Everything comes from environment variables with safe defaults for the embedded mode (SQLite in
./var/, DEBUG on only when AMPARO_DEBUG says so or when no secret key is given in development).
Production sets AMPARO_ENV=production, AMPARO_SECRET_KEY (or AMPARO_SECRET_KEY_FILE),
AMPARO_ALLOWED_HOSTS and DATABASE_URL; `manage.py check --deploy` is then clean.
"""

from pathlib import Path

import dj_database_url
from django.conf import locale as django_locale
from django.utils.translation import gettext_lazy as _

from amparo.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("AMPARO_VAR_DIR", str(PROJECT_DIR / "var")))

PRODUCTION = env_str("AMPARO_ENV", "development") == "production"
DEBUG = env_bool("AMPARO_DEBUG", not PRODUCTION)

# Production refuses to start with DEBUG on, a key under 50 characters or demo data: see
# amparo/core/checks.py (`amparo check --deploy` reports each as amparo.E001-E003).
SECRET_KEY = env_secret("AMPARO_SECRET_KEY", "" if PRODUCTION else "amparo-insecure-development-key")
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("AMPARO_SECRET_KEY (or AMPARO_SECRET_KEY_FILE) is required in production")

ALLOWED_HOSTS = env_list(
    "AMPARO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("AMPARO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("AMPARO_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "axes",
    "csp",
    "amparo.core",
    "amparo.accounts",
    "amparo.registry",
    "amparo.matching",
    "amparo.crises",
    "amparo.messaging",
    "amparo.protection",
    "amparo.cases",
    "amparo.tracing",
    "amparo.portal",
    "amparo.drills",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and their JSON (the map layers) are gzipped for browsers that accept it: a consulate's
    # link is slow (bench/pages). Below WhiteNoise, which answers static files itself with the
    # files collectstatic compressed; above every middleware that reads or writes a body. Django's
    # GZipMiddleware pads each response with random bytes (BREACH mitigation, "Heal the Breach").
    "amparo.core.middleware.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "amparo.core.middleware.ControlCharactersMiddleware",
    "amparo.core.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "amparo.accounts.middleware.ExerciseMiddleware",
    "amparo.accounts.middleware.UserTimezoneMiddleware",
    "amparo.accounts.middleware.RefusedAccessAuditMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "amparo.urls"
WSGI_APPLICATION = "amparo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "amparo.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database: SQLite in ./var/ by default, PostgreSQL (or another) when DATABASE_URL is set.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("AMPARO_DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "amparo.sqlite3")}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE + a long busy timeout let the web server and the task worker write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": env_str("AMPARO_SQLITE_TEST_NAME", "") or None}
else:
    test_name = env_str("AMPARO_TEST_DB_NAME", "")
    if test_name:
        DATABASES["default"]["TEST"] = {"NAME": test_name}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work: Django Tasks API with the database-backed worker.
TASKS = {
    "default": {
        "BACKEND": env_str("AMPARO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Authentication and login throttling (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AMPARO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours: a locked account or address may try again after 15 minutes
# Failures count per user name *and* client address, so one attacker cannot lock a user out for
# everyone; behind the TLS proxy the client address is read from X-Forwarded-For only when the
# request comes from one of AMPARO_TRUSTED_PROXIES (amparo/accounts/clientip.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "amparo.accounts.clientip.client_ip"
TRUSTED_PROXIES = env_list("AMPARO_TRUSTED_PROXIES", [])
# Password-reset requests: at most this many per hour from one address, and per e-mail address.
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("AMPARO_PASSWORD_RESET_LIMIT", 5)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AMPARO_LOGIN_THROTTLING", True)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail: console in development, SMTP when AMPARO_EMAIL_HOST is set.
EMAIL_HOST = env_str("AMPARO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("AMPARO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("AMPARO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("AMPARO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("AMPARO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("AMPARO_FROM_EMAIL", "Amparo <no-reply@amparo.local>")

# --- Languages: Spanish first. Haitian Creole is not in Django's LANG_INFO, so it is added here.
django_locale.LANG_INFO.setdefault(
    "ht", {"bidi": False, "code": "ht", "name": "Haitian Creole", "name_local": "Kreyòl ayisyen"}
)
LANGUAGE_CODE = "es"
LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
    ("pt", _("Portuguese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Formats Django lacks (Haitian Creole follows French conventions): amparo/formats/.
FORMAT_MODULE_PATH = ["amparo.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # storage; each organization and user has a display zone

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# --- Migrant portal (/p/): one-time phone codes and the portal session (docs/portal.md).
PORTAL_SMS_ORGANIZATION = env_str("PORTAL_SMS_ORGANIZATION", "")
PORTAL_CODE_MINUTES = env_int("PORTAL_CODE_MINUTES", 10)
PORTAL_CODE_ATTEMPTS = env_int("PORTAL_CODE_ATTEMPTS", 5)
PORTAL_CODES_PER_PHONE = env_int("PORTAL_CODES_PER_PHONE", 3)
PORTAL_CODES_PER_ADDRESS = env_int("PORTAL_CODES_PER_ADDRESS", 10)
PORTAL_SESSION_MINUTES = env_int("PORTAL_SESSION_MINUTES", 15)

# --- Imports: what a file may hold, checked before it is read (an XLSX is a zip archive: its
# parts' uncompressed sizes are bounded before openpyxl opens it), and how long files are kept.
IMPORT_MAX_UPLOAD_MB = env_int("AMPARO_IMPORT_MAX_UPLOAD_MB", 256)
IMPORT_MAX_ROWS = env_int("AMPARO_IMPORT_MAX_ROWS", 2_000_000)
IMPORT_MAX_COLUMNS = env_int("AMPARO_IMPORT_MAX_COLUMNS", 200)
IMPORT_XLSX_MAX_SHEET_MB = env_int("AMPARO_IMPORT_XLSX_MAX_SHEET_MB", 512)
IMPORT_XLSX_MAX_PART_MB = env_int("AMPARO_IMPORT_XLSX_MAX_PART_MB", 32)
IMPORT_FILES_KEEP_HOURS = env_int("AMPARO_IMPORT_FILES_KEEP_HOURS", 72)
IMPORT_STALL_MINUTES = env_int("AMPARO_IMPORT_STALL_MINUTES", 10)

# --- Maps: tiles come from the internet, which a closed network lacks; empty = outline map.
# CAP feeds and alert URLs are never fetched from loopback, private, link-local or reserved
# addresses (a URL must not make Amparo read its own network) unless this allows it.
CAP_ALLOW_PRIVATE_ADDRESSES = env_bool("AMPARO_CAP_ALLOW_PRIVATE_ADDRESSES", False)
MAP_TILE_URL = env_str("AMPARO_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("AMPARO_MAP_TILE_ATTRIBUTION", "")

# --- Security. Secure cookies and HSTS in production; CSP everywhere.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("AMPARO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("AMPARO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("AMPARO_BEHIND_PROXY", True) else None

_img_src = ["'self'", "data:"]
if MAP_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(MAP_TILE_URL.replace("{s}", "a"))
    _img_src.append(f"{_tiles.scheme}://{_tiles.netloc.replace('a.', '*.', 1)}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _img_src,
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("AMPARO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Retention (amparo/core/retention.py, docs/operators.md): days each record type and each
# consent is kept. Each is AMPARO_RETENTION_<NAME>_DAYS (dots and dashes as underscores).
_RETENTION_DEFAULTS = {
    # A consent lapses (is closed as withdrawn by retention) this long after it was recorded.
    "consent.crisis_alerts": 3 * 365,
    "consent.referrals": 2 * 365,
    "consent.sharing_host_authorities": 2 * 365,
    "consent.sharing_migration_authorities": 365,
    "consent.retention_after_case": 5 * 365,
    # A person's record (and everything about them) after it last changed, unless a crisis in
    # course, an open case or a case closed within "case_closed" holds it, or the person consented
    # to `retention_after_case`.
    "person": 5 * 365,
    "case_closed": 2 * 365,
    # Earlier positions (the latest is kept with the record).
    "location_history": 2 * 365,
    # Texts and addresses of sent messages, replies and check-in answers (the rows stay, anonymized).
    "message": 365,
    "inbound_message": 365,
    "checkin_answer": 365,
}
RETENTION_DAYS = {
    name: env_int("AMPARO_RETENTION_" + name.upper().replace(".", "_").replace("-", "_") + "_DAYS", days)
    for name, days in _RETENTION_DEFAULTS.items()
}

# The audit log is append-only; only the test runner's flush may empty it on SQLite (tests set
# this in amparo/conftest.py; see amparo/accounts/management/commands/flush.py).
AUDIT_FLUSH_ALLOWED = False

# Demo data: a fixed password for every demo user, printed by `make run` (never in production).
DEMO_PASSWORD = "amparo-demo-2026"  # noqa: S105 (published on purpose; demo-data needs DEBUG)

# --- Tracing (docs/tracing.md): candidates proposed from this probability; PFIF limits and ids.
TRACING_MIN_PROBABILITY = float(env_str("AMPARO_TRACING_MIN_PROBABILITY", "0.5"))
TRACING_PRIOR_BITS = float(env_str("AMPARO_TRACING_PRIOR_BITS", "-6"))
TRACING_PFIF_MAX_BYTES = env_int("AMPARO_TRACING_PFIF_MAX_BYTES", 200 * 1024 * 1024)
TRACING_PFIF_DOMAIN = env_str("AMPARO_TRACING_PFIF_DOMAIN", "amparo.local")
