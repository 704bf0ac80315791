"""Polish first: the site speaks Polish unless the visitor chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so a
resident whose phone is set to English would get an English site they never asked
for. Here only an explicit choice (the language cookie set by Django's
``set_language`` view) switches the language.

Also here: the friendly pages for database and storage failures
(``ServiceErrorMiddleware``) and the public page cache
(``PublicPageCacheMiddleware``: anonymous public pages, per language, renewed
when an editor publishes; see docs/operations.md).
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from ledger.caching import namespace


class PolishFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
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


# --- The public page cache ------------------------------------------------------

#: Rendered anonymous public pages (``PublicPageCacheMiddleware``). Bumped by
#: ``cms.signals`` on every change an editor can make to what a public page
#: shows: a page published, unpublished, moved, saved or deleted; site settings,
#: snippets, documents, images, collections, redirects, sites, page privacy.
#: Its version is seen by every worker at once even without Redis
#: (``every_process``): an editor's publication reaches every visitor at once.
PUBLIC_PAGES = namespace("public-pages", timeout=300, every_process=True)

#: Paths never served from nor stored in the public cache (member area, admin,
#: files whose access depends on who asks, login, language switch, health).
PUBLIC_CACHE_EXCLUDED_PREFIXES = (
    "/iok/",
    "/admin/",
    "/documents/",
    "/media/",
    "/static/",
    "/i18n/",
    "/healthz",
)

#: Cookies a visitor may carry and still share the anonymous page: the chosen
#: language is part of the key, the CSRF cookie changes nothing on a page that
#: does not use a token (a page that does sets a cookie and is never stored).
_SHAREABLE_COOKIES = frozenset(
    {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
)

#: Response headers kept with a stored page; the outer middleware (security
#: headers, Content-Security-Policy) adds its own on every response.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Frame-Options", "Vary")


def chosen_language(request) -> str:
    """The language the visitor chose (the ``set_language`` cookie), else
    Polish (``PolishFirstLocaleMiddleware`` activates the same)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    available = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in available else settings.LANGUAGE_CODE


def public_cache_applies(request) -> bool:
    """Whether ``request`` is an anonymous GET of a public page without a
    query string: only then is a page served from or stored in the cache. A
    visitor with any other cookie (a session: logged in, or messages waiting)
    always gets a page computed for them."""
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        return False
    if request.path.startswith(PUBLIC_CACHE_EXCLUDED_PREFIXES):
        return False
    return set(request.COOKIES) <= _SHAREABLE_COOKIES


def _storable(response) -> bool:
    """A complete 200 HTML page that sets no cookie and that no view marked
    private or uncacheable."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(
        word in cache_control for word in ("private", "no-store", "no-cache")
    )


class PublicPageCacheMiddleware:
    """Anonymous public pages served from ``PUBLIC_PAGES`` (the shared Redis
    cache when ``REDIS_URL`` is set, else per process).

    Placed before the session, CSRF and authentication middleware, so a hit
    costs two cache reads (the namespace version and the page). The key holds
    the host, the path, the visitor's language and today's date (a page that
    depends on the date changes at midnight). Stored pages get
    ``Cache-Control: public`` with a short ``max-age``/``s-maxage``
    (``IOK_PUBLIC_CACHE_MAX_AGE``) and ``Vary: Cookie`` so a front proxy keeps
    only what any anonymous visitor may see; every other response to a
    request with a session gets ``Cache-Control: private`` unless the view set
    its own. ``X-IOK-Cache`` says hit or miss.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.max_age = int(getattr(settings, "IOK_PUBLIC_CACHE_MAX_AGE", 60))

    def _parts(self, request) -> tuple:
        return (
            chosen_language(request),
            timezone.localdate().isoformat(),
            request.get_host(),
            request.path,
        )

    def __call__(self, request):
        if not public_cache_applies(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # Personal (logged in, or messages): no shared cache keeps it.
                if not response.has_header("Cache-Control"):
                    patch_cache_control(response, private=True)
                patch_vary_headers(response, ("Cookie",))
            return response
        parts = self._parts(request)
        stored = PUBLIC_PAGES.get(*parts)
        if stored is not None:
            headers, content = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["Content-Length"] = str(len(content))
            response["X-IOK-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if _storable(response):
            patch_cache_control(
                response, public=True, max_age=self.max_age, s_maxage=self.max_age
            )
            patch_vary_headers(response, ("Cookie",))
            headers = [
                (name, response[name])
                for name in (*_KEPT_HEADERS, "Cache-Control")
                if response.has_header(name)
            ]
            PUBLIC_PAGES.set(parts, (headers, response.content))
            response["X-IOK-Cache"] = "miss"
        return response


def bump_public_pages(sender=None, instance=None, **kwargs) -> None:
    """Signal receiver: a change to anything a public page shows (a model of
    the cms app or of Wagtail's content apps) starts a new cache version."""
    if instance is None or instance._meta.app_label in PUBLIC_CONTENT_APPS:
        PUBLIC_PAGES.bump()


#: Apps whose saved or deleted rows change what public pages show.
PUBLIC_CONTENT_APPS = frozenset(
    {
        "cms",
        "wagtailcore",
        "wagtaildocs",
        "wagtailimages",
        "wagtailredirects",
        "wagtailsearchpromotions",
        "taggit",
    }
)
