"""Local development: `make run`. Never use in production."""

import contextlib

from . import base
from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"

with contextlib.suppress(ImportError):
    from .local import *  # noqa: F403

# Static files come from the app directories here; whitenoise (and its
# collected STATIC_ROOT) is for the production configuration.
MIDDLEWARE = [m for m in base.MIDDLEWARE if not m.startswith("whitenoise.")]
