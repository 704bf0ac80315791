"""Settings shared by every environment.

Secure by default: ``dev.py`` and ``test.py`` relax what they must, ``production.py``
reads secrets and hosts from the environment. Every environment variable is listed
in ``docs/configuration.md``.
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "cms"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = False

INSTALLED_APPS = [
    # Project apps first so their templates and translations win.
    "members",
    "ledger",
    "cms",
    "wagtail_modeladmin",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # the sitemap.xml template (wagtail.contrib.sitemaps)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, with a separate policy for the Wagtail admin.
    "members.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Database outage -> Polish 503 page; failed upload write -> "nothing saved".
    "cms.middleware.ServiceErrorMiddleware",
    # Anonymous public pages from the cache, before sessions, CSRF and auth.
    "cms.middleware.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.PolishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Blocked accounts, staff without a second factor, idle sessions: logged out.
    "members.middleware.SessionGuardMiddleware",
    # Forced first-login password change (every URL); /iok/, /admin/: no-store.
    "members.middleware.MemberAreaMiddleware",
    "members.middleware.StaffViewAuditMiddleware",
    # A zone of the member area suspended or off: its URLs answer a page saying so.
    "members.middleware.ZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_links",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
# SQLite by default (zero set-up); PostgreSQL in production and CI via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE) serve PostgreSQL; SQLite builds them without the
# extra columns, which is all we need there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache ----------------------------------------------------------------------
# A shared Redis cache when REDIS_URL is set (several app servers), else per-process.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "iok"),
        }
    }
else:
    # Django's default of 300 entries is too few for the public pages (per
    # language), notice lists, office-staff answers and residents' QR codes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }
# Part of every cache key (ledger.caching): a deploy starts with a clean cache.
# Empty: a hash of the installed code, templates and catalogues stands for it.
IOK_RELEASE = os.environ.get("IOK_RELEASE", "")
# Anonymous public pages are served from the cache (cms.middleware,
# PublicPageCacheMiddleware, renewed at once when an editor publishes); a front
# proxy may keep them this many seconds (Cache-Control max-age and s-maxage).
IOK_PUBLIC_CACHE_MAX_AGE = int(os.environ.get("IOK_PUBLIC_CACHE_MAX_AGE", "60"))
# Without REDIS_URL, the public page cache's version is a file every process of
# the machine reads (ledger.caching, every_process): its folder. Empty: one
# in the temporary directory, named after this checkout and database.
IOK_CACHE_VERSION_DIR = os.environ.get("IOK_CACHE_VERSION_DIR", "")

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out identifiers before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The board's rule (§II.7: 6+ characters, 1+ digit) is the floor; the IOK_PASSWORD_*
# settings below can only make it stricter. See docs/security.md.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name")},
    },
    {"NAME": "members.validators.CooperativePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
IOK_PASSWORD_MIN_LENGTH = int(os.environ.get("IOK_PASSWORD_MIN_LENGTH", "6"))
IOK_PASSWORD_REQUIRE_UPPER = env_bool("IOK_PASSWORD_REQUIRE_UPPER")
IOK_PASSWORD_REQUIRE_LOWER = env_bool("IOK_PASSWORD_REQUIRE_LOWER")
IOK_PASSWORD_REQUIRE_SPECIAL = env_bool("IOK_PASSWORD_REQUIRE_SPECIAL")
# Length of the first password printed on the access letter.
IOK_FIRST_PASSWORD_LENGTH = 10
# Number and date of the board's resolution that adopted the rules (§IV.6), printed
# on access letters.
IOK_RULES_RESOLUTION = os.environ.get(
    "IOK_RULES_RESOLUTION", "nr 733/2012 z dnia 21.11.2012"
)
LOGIN_URL = "/iok/login/"
LOGIN_REDIRECT_URL = "/iok/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
# Staff log in to the admin with password + TOTP (members/forms.py).
WAGTAILADMIN_USER_LOGIN_FORM = "members.forms.AdminLoginForm"
# A lost password is replaced at the office (§IV.3), never by e-mail.
WAGTAIL_PASSWORD_RESET_ENABLED = False

# --- Sessions ---------------------------------------------------------------------
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.db")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Absolute limit; inactivity ends a session much sooner (below).
SESSION_COOKIE_AGE = 8 * 60 * 60
IOK_IDLE_TIMEOUT_SECONDS = int(os.environ.get("IOK_IDLE_TIMEOUT_SECONDS", "900"))
IOK_ADMIN_IDLE_TIMEOUT_SECONDS = int(
    os.environ.get("IOK_ADMIN_IDLE_TIMEOUT_SECONDS", "1800")
)
# A password + code login waits at most this long for the code.
IOK_PENDING_LOGIN_SECONDS = 300

# --- Two-factor authentication (django-otp) ---------------------------------------
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "IOK Spółdzielnia")
# How long a staff member may enrol a first device after an administrator opened
# enrolment for them (`manage.py otp_enrolment USERNAME`).
IOK_OTP_ENROLMENT_HOURS = 24
# Admin URL prefixes whose views show a resident's personal or financial data:
# each successful GET by staff is written to the audit trail.
IOK_AUDIT_STAFF_VIEW_PREFIXES = [
    "/admin/ledger/",
    "/admin/members/accounts/",
    # Member-area records (members/area/wagtail_hooks_area.py).
    "/admin/members/discrepancyreport/",
    "/admin/members/contactchangerequest/",
    "/admin/members/residentmeterreading/",
    "/admin/area/",
    # Votes on resolutions: who voted how (members/area/wagtail_hooks_votes.py).
    "/admin/members/ballot/",
    "/admin/votes/",
    # Personal documents' PDFs for staff (ledger/documents_admin.py).
    "/admin/ledger-documents/",
]

# --- Retention (RODO): `manage.py purge_old_data`, docs/operations.md ------------
# The periods are the cooperative's decision as the data controller.
IOK_AUDIT_RETENTION_DAYS = int(os.environ.get("IOK_AUDIT_RETENTION_DAYS", "1825"))
IOK_LOGIN_LOG_RETENTION_DAYS = int(
    os.environ.get("IOK_LOGIN_LOG_RETENTION_DAYS", "365")
)
# Calendar years of ledger kept, the current one included.
IOK_LEDGER_RETENTION_YEARS = int(os.environ.get("IOK_LEDGER_RETENTION_YEARS", "6"))
# Years after a former resident's last right to a unit (and last membership)
# ended before their login and personal data go; also for ended memberships.
IOK_FORMER_RESIDENT_RETENTION_YEARS = int(
    os.environ.get("IOK_FORMER_RESIDENT_RETENTION_YEARS", "3")
)
# Days an answered discrepancy report (with its attachment) or a handled
# contact-change request is kept.
IOK_REQUEST_RETENTION_DAYS = int(os.environ.get("IOK_REQUEST_RETENTION_DAYS", "1095"))
# Days an uploaded import file is kept.
IOK_IMPORT_FILE_RETENTION_DAYS = int(
    os.environ.get("IOK_IMPORT_FILE_RETENTION_DAYS", "90")
)

# Imports: on PostgreSQL a "running" import whose liveness lock is free is marked
# interrupted at once; without such locks (SQLite, development) after this many
# minutes without a heartbeat (ledger/imports/liveness.py).
IOK_IMPORT_STALE_MINUTES = int(os.environ.get("IOK_IMPORT_STALE_MINUTES", "60"))

# --- Internationalisation: Polish first, English available ----------------------
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = [("pl", _("Polish"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("pl", "Polski"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switch (set_language) remembers the choice for a year in the
# django_language cookie; without it the site speaks Polish (cms.middleware).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# The cooperative's short date forms (14.03.2025) over Django's (cms/formats/pl).
FORMAT_MODULE_PATH = ["cms.formats"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Files residents upload (discrepancy report attachments): outside MEDIA_ROOT,
# never served by the web server, only by member-area views that check access.
IOK_PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("IOK_PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media")
)
IOK_REPORT_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# Photos of a repair request: how many, and the size of each (a phone's photo
# is 2-8 MB); they are re-encoded as JPEG of at most IOK_REPAIR_PHOTO_MAX_SIDE px.
IOK_REPAIR_PHOTOS_MAX = 3
IOK_REPAIR_PHOTO_MAX_BYTES = 8 * 1024 * 1024  # 3 x 8 MB fits nginx 25m
IOK_REPAIR_PHOTO_MAX_SIDE = 2560
STORAGES = {
    "default": {"BACKEND": "cms.storage.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "iok@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The outbox (members.outbox): messages per SMTP connection, attempts before a
# message is failed, the longest wait between attempts, how long the record of
# a sent message is kept (docs/operations.md, "E-mail").
IOK_EMAIL_BATCH_SIZE = int(os.environ.get("IOK_EMAIL_BATCH_SIZE", "100"))
IOK_EMAIL_MAX_ATTEMPTS = int(os.environ.get("IOK_EMAIL_MAX_ATTEMPTS", "8"))
IOK_EMAIL_RETRY_MAX_SECONDS = int(
    os.environ.get("IOK_EMAIL_RETRY_MAX_SECONDS", "21600")
)
IOK_EMAIL_RETENTION_DAYS = int(os.environ.get("IOK_EMAIL_RETENTION_DAYS", "180"))
# The payment reminder (members.notifications) goes this many days before the
# due date.
IOK_PAYMENT_REMINDER_DAYS = int(os.environ.get("IOK_PAYMENT_REMINDER_DAYS", "5"))

# --- Background tasks (imports, notification e-mails) ---------------------------
# Production runs a database queue with `manage.py db_worker`; dev and tests run
# tasks immediately.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# /healthz?check=worker answers 503 when a task has waited longer (cms/health.py).
IOK_TASK_MAX_WAIT_SECONDS = int(os.environ.get("IOK_TASK_MAX_WAIT_SECONDS", "600"))

# --- Wagtail --------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Spółdzielnia Mieszkaniowa"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Shared page/collection passwords are stored in plain text: not offered.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
# Documents are served through Django so that collection privacy is enforced.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "odt",
    "docx",
    "xlsx",
    "ods",
    "txt",
    "csv",
    "jpg",
    "png",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No autosave: on a create screen Wagtail's autosave creates the page as a
# draft the editor never chose to save; an abandoned new notice stayed behind
# as a hidden draft holding its slug, and creating it again failed. Editors
# save (or publish) explicitly, as the office's procedures say.
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
# The board's approval publishes the rules and privacy pages (issue 12, item 7).
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflow.publish_workflow_state"

# --- Security headers (tightened further in production.py) ----------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): no inline scripts anywhere on the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Wagtail admin has inline scripts (page explorer, editor, users) and may set
# inline styles; its pages (under /admin/ only) get these replacements. Checked in
# Chromium, see docs/security.md.
IOK_ADMIN_CSP_REPLACE = {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
}
IOK_ADMIN_PATH_PREFIX = "/admin/"
# No staff e-mail hashes sent to gravatar.com (privacy; keeps img-src 'self').
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- django-axes: lock on identifier + IP, growing delays on the identifier ------
# members/lockout.py explains the rule.
AXES_ENABLED = True
# Failures from one address for one identifier: that pair is locked.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
# Failures for one identifier from all addresses: every further attempt waits
# IOK_LOGIN_DELAY_SECONDS, doubled per further failure, at most the maximum.
IOK_AXES_USERNAME_FAILURE_LIMIT = int(
    os.environ.get("IOK_AXES_USERNAME_FAILURE_LIMIT", "20")
)
IOK_LOGIN_DELAY_SECONDS = int(os.environ.get("IOK_LOGIN_DELAY_SECONDS", "2"))
IOK_LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("IOK_LOGIN_DELAY_MAX_SECONDS", "60"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # + per identifier: lockout.py
AXES_HANDLER = "members.lockout.TwoThresholdDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "members.lockout.lockout_response"
# A refused attempt is not a failure: it neither extends a lock nor counts
# toward the identifier's threshold.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# The client's address (lockouts, audit trail, sessions): members/lockout.py.
# X-Forwarded-For is read only when the peer is one of IOK_TRUSTED_PROXIES, and
# then its AXES_IPWARE_PROXY_COUNT-th entry from the right.
AXES_CLIENT_IP_CALLABLE = "members.lockout.client_ip_address"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_IPWARE_PROXY_COUNT", "0"))
IOK_TRUSTED_PROXIES = env_list(
    "IOK_TRUSTED_PROXIES",
    os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
)
# Masked in axes log lines and stored request data (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]

# --- Logging: structured lines to stdout ----------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "cms.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT", "plain"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
