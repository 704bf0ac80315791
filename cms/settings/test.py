"""Settings for pytest. DATABASE_URL chooses PostgreSQL (CI) or SQLite (default)."""

from . import base
from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
# Fast hashing keeps the suite quick; production uses Argon2 (see base.py).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "cms.storage.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
LANGUAGE_CODE = "pl"

# Static files come from the app directories here; whitenoise (and its
# collected STATIC_ROOT) is for the production configuration.
MIDDLEWARE = [m for m in base.MIDDLEWARE if not m.startswith("whitenoise.")]
