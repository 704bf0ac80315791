"""URLconf for the error-page tests: the project's URLs plus views that fail."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.urls import path

from cms.urls import handler400, handler500
from cms.urls import urlpatterns as project_urlpatterns

SECRET = "s3cret-detail-from-the-exception"


def bad(request):
    raise SuspiciousOperation(SECRET)


def forbidden(request):
    raise PermissionDenied(SECRET)


def crash(request):
    raise RuntimeError(SECRET)


def database_down(request):
    raise OperationalError(f"connection to server at 127.0.0.1 failed: {SECRET}")


def connection_closed(request):
    raise InterfaceError(f"connection already closed {SECRET}")


urlpatterns = [
    path("test-errors/400/", bad),
    path("test-errors/403/", forbidden),
    path("test-errors/500/", crash),
    path("test-errors/db/", database_down),
    path("test-errors/closed/", connection_closed),
    *project_urlpatterns,
]

__all__ = ["handler400", "handler500", "urlpatterns"]
