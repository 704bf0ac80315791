"""Error responses that must work while the database or the disk does not.

``database_unavailable`` answers 503 when PostgreSQL is down or restarting, and
``storage_failed`` answers when an uploaded file cannot be written (full disk,
read-only media directory). Both render standalone templates
(``templates/error_layout.html``) with no request context, so no context
processor, session or user lookup can reach the database; the cooperative's name
and address come from the site-links cache only if they are already there.
"""

import errno
import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from cms.site_links import cached_site_links

logger = logging.getLogger("cms.errors")

DATABASE_ERRORS = (OperationalError, InterfaceError)
# What a failing disk or mount says when a file is written.
STORAGE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
)
RETRY_AFTER_SECONDS = 30
HEALTH_PATH = "/healthz"


def is_database_error(exc: BaseException | None) -> bool:
    """A database that cannot be reached (also when wrapped in another error)."""
    while exc is not None:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_storage_error(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS


def _render(template: str, status: int) -> HttpResponse:
    body = loader.get_template(template).render({"links": cached_site_links()})
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable(request=None) -> HttpResponse:
    """503 with Retry-After: the page asks the resident to come back shortly.
    The health endpoint keeps answering JSON, whichever layer failed."""
    if request is not None and request.path == HEALTH_PATH:
        response = JsonResponse(
            {"status": "error", "database": "unreachable"}, status=503
        )
    else:
        response = _render("503.html", 503)
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def storage_failed() -> HttpResponse:
    """507 Insufficient Storage: the upload was not saved and nothing changed."""
    return _render("507.html", 507)


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    """handler400. Django turns a failed session save into "session
    interrupted" (400) whatever the cause; when the cause is the database going
    away, the resident gets the 503 page like on any other request."""
    if is_database_error(exception):
        return database_unavailable(request)
    return _render(template_name, 400)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: every unhandled exception ends here, including the ones
    raised inside middleware (session and user lookups) that a middleware's
    ``process_exception`` never sees. A database outage becomes the 503 page."""
    exc = sys.exc_info()[1]
    if is_database_error(exc):
        return database_unavailable(request)
    if is_storage_error(exc):
        return storage_failed()
    return _render(template_name, 500)
