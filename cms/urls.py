from django.conf import settings
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from django.views.i18n import set_language

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms import media as cms_media
from cms import site_files
from cms import views as cms_views
from cms.health import healthz

# Also catch errors raised inside middleware: a database outage answers 503.
handler400 = "cms.errors.bad_request"
handler500 = "cms.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    # Documents by the audience of their collection (cms.media, cms.access).
    path(
        "documents/<int:document_id>/<str:document_filename>",
        cms_media.document,
        name="document-serve",
    ),
    path("documents/", include(wagtaildocs_urls)),
    # The language switch of every page (templates/includes/language_switch.html):
    # Django's set_language, which sets the language cookie read by
    # cms.middleware.PolishFirstLocaleMiddleware. POST only; exempt from CSRF
    # because anonymous public pages are cached and must carry no per-visitor
    # token, and a forged request can do no more than switch the language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("robots.txt", site_files.robots_txt, name="robots-txt"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    # Public pages only (cms.site_files explains how private ones are left out).
    path("sitemap.xml", sitemap, name="sitemap"),
    path("szukaj/", cms_views.search, name="search"),
    # The member area's notice list (members/area/notice_views.py); included by
    # name, so the cms package itself never imports members.
    path("iok/ogloszenia-wspolnot/", include("members.area.notice_urls")),
    path("", include("members.urls")),
    # Public image renditions from the media storage (disk or bucket); nothing
    # else under MEDIA_URL is ever served.
    path(
        settings.MEDIA_URL.lstrip("/") + "images/<path:name>",
        cms_media.image_rendition,
        name="image-rendition",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches everything else, so it comes last. Its
# password-only login for private pages (``_util/login/``) would skip the second
# factor: that address leads to the member-area login (with ``next``) instead.
urlpatterns += [
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="members:login", query_string=True),
    ),
    path("", include(wagtail_urls)),
]
