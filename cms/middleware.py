"""Polish first: the site speaks Polish unless the visitor chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a
resident whose phone is set to English would get an English site they never asked
for. Here only an explicit choice (the language cookie set by Django's
``set_language`` view) switches the language.
"""

from django.conf import settings
from django.utils import translation


class PolishFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ServiceErrorMiddleware:
    """Database outages and failed file writes become friendly pages.

    A view that hits an unreachable database (OperationalError, InterfaceError)
    gets the Polish 503 page with Retry-After; an upload that cannot be written
    (full disk, read-only media) gets a page that says nothing was saved. The
    views' transactions have already rolled back when this runs. Errors raised
    in other middleware are handled by ``cms.errors.server_error`` (handler500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from cms import errors

        if errors.is_database_error(exception):
            errors.logger.warning(
                "database unavailable: %s %s: %s",
                request.method,
                request.path,
                exception,
            )
            return errors.database_unavailable(request)
        if errors.is_storage_error(exception):
            errors.logger.error(
                "file storage failed: %s %s: %s",
                request.method,
                request.path,
                exception,
            )
            return errors.storage_failed()
        return None
