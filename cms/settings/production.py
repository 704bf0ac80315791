"""Production: every secret and host comes from the environment.

A missing DJANGO_SECRET_KEY or DJANGO_ALLOWED_HOSTS stops the process at start-up
instead of running with a guessable default. See docs/configuration.md.
"""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise RuntimeError("DJANGO_ALLOWED_HOSTS must list the site's host names")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS everywhere. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=1.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
# "__Host-" cookies: browsers accept them only over HTTPS, for this exact host and
# path "/", so a sibling subdomain cannot plant or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# Compressed, hashed static files served by whitenoise (run collectstatic first).
STORAGES = {
    "default": {"BACKEND": "cms.storage.SafeFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Media: the local disk (MEDIA_ROOT and IOK_PRIVATE_MEDIA_ROOT, a shared volume when
# there are several app servers) or an S3-compatible bucket (django-storages). The
# bucket is private: documents, residents' attachments and import files are always
# streamed by Django views that check who asks (WAGTAILDOCS_SERVE_METHOD stays
# "serve_view"), image renditions by cms.media; no page ever links to the bucket.
MEDIA_STORAGE = os.environ.get(
    "MEDIA_STORAGE", "s3" if os.environ.get("AWS_STORAGE_BUCKET_NAME") else "filesystem"
)
if MEDIA_STORAGE == "s3":
    _s3 = {
        "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        # Empty: boto3 finds credentials itself (instance role, ~/.aws).
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        # Objects are private; a bucket with ACLs disabled (object ownership
        # "bucket owner enforced") takes AWS_DEFAULT_ACL="" and a private policy.
        "default_acl": os.environ.get("AWS_DEFAULT_ACL", "private") or None,
        # Any URL the storage does make is signed and short-lived, never public.
        "querystring_auth": True,
        "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "300")),
        "custom_domain": None,
        # Two uploads with the same name get two objects, as on the local disk.
        "file_overwrite": False,
    }
    # Its url() is MEDIA_URL + name: pages link to the portal, never the bucket.
    STORAGES["default"] = {
        "BACKEND": "cms.storage_s3.PrivateS3Storage",
        "OPTIONS": {**_s3, "location": "media"},
    }
    # Residents' uploads (members.models.area.private_storage).
    STORAGES["private"] = {
        "BACKEND": "cms.storage_s3.UnlinkedS3Storage",
        "OPTIONS": {**_s3, "location": "private"},
    }
    if WAGTAILDOCS_SERVE_METHOD != "serve_view":  # noqa: F405
        raise RuntimeError("documents in the bucket must be served by Django")
elif MEDIA_STORAGE != "filesystem":
    raise RuntimeError("MEDIA_STORAGE must be 'filesystem' or 's3'")

# One JSON object per log line on stdout.
LOGGING["handlers"]["console"]["formatter"] = os.environ.get("LOG_FORMAT", "json")  # noqa: F405

# Background work goes to the database queue; run `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
