"""The files crawlers and browsers ask for at the site's root: ``/robots.txt``,
``/favicon.ico`` and ``/sitemap.xml`` (routed in ``cms/urls.py``).

The sitemap (``wagtail.contrib.sitemaps``) lists public pages only: its
generator keeps ``.live().public()`` pages, so every page behind a privacy
restriction (residents' notices, the housing communities' subtree, which
``cms.services`` keeps restricted) is left out. The member area (``/iok/``) and
the admin are disallowed in robots.txt.
"""

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

#: Paths no crawler should visit: the member area, its old login address and
#: the admin (login forms and private data only).
DISALLOWED = ("/iok/", "/admin/", "/InetObsKontr/", "/_util/", "/i18n/")


@require_GET
@cache_control(public=True, max_age=86400)
def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in DISALLOWED]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request):
    """The icon from the static files (``static/favicon.ico``): found by the
    finders in development and tests, read from STATIC_ROOT in production."""
    path = finders.find("favicon.ico")
    if path is None and staticfiles_storage.exists("favicon.ico"):
        path = staticfiles_storage.path("favicon.ico")
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
