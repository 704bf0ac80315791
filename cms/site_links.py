"""The links and cooperative data every page shows, cached.

The header, the footer and the member area's login page all need the URLs of the
rules, the privacy clause and the application form, and the cooperative's
address. Reading them costs a few queries, so the result is kept in the
``site-links`` cache namespace (``ledger.caching``; shared between app servers
when REDIS_URL is set), bumped whenever a page, a document or the site settings
change (see ``cms.signals``). The footers' template fragments vary on the same
version. The timeout bounds how stale a per-process cache can get when several
processes run without Redis.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from ledger.caching import namespace

#: The links, and the footers' fragments (``{% cache_version "site-links" %}``).
SITE_LINKS_CACHE = namespace("site-links", timeout=300)


def _cache_key(language: str | None) -> str:
    # Per language: the resolution label ("Nr 733/2012 z dnia …") is translated.
    return SITE_LINKS_CACHE.key(language or settings.LANGUAGE_CODE)


@dataclass(frozen=True)
class SiteLinks:
    """What templates read as ``links.…`` or ``site_links.…``; "" when unset."""

    cooperative_name: str = ""
    address_lines: tuple[str, ...] = ()
    nip: str = ""
    phone: str = ""
    email: str = ""
    home_url: str = "/"
    notices_url: str = ""
    contact_url: str = ""
    rules_url: str = ""
    rules_title: str = ""
    rules_resolution: str = ""
    privacy_url: str = ""
    privacy_title: str = ""
    application_form_url: str = ""
    application_form_title: str = ""
    login_url: str = "/iok/login/"
    search_url: str = "/szukaj/"


def _live_url(page) -> str:
    if page is None or not page.live:
        return ""
    return page.get_url() or ""


def _build() -> SiteLinks:
    from cms.models import (
        ContactPage,
        NoticeIndexPage,
        PrivacyClausePage,
        RulesPage,
        SiteSettings,
    )

    site_settings = SiteSettings.load()
    rules = (
        site_settings.rules_page.specific
        if site_settings.rules_page_id
        else RulesPage.objects.live().first()
    )
    privacy = (
        site_settings.privacy_page.specific
        if site_settings.privacy_page_id
        else PrivacyClausePage.objects.live().first()
    )
    form = site_settings.application_form
    rules_url = _live_url(rules)
    return SiteLinks(
        cooperative_name=site_settings.cooperative_name,
        address_lines=tuple(
            line.strip() for line in site_settings.address.splitlines() if line.strip()
        ),
        nip=site_settings.nip,
        phone=site_settings.phone,
        email=site_settings.email,
        notices_url=_live_url(NoticeIndexPage.objects.live().first()),
        contact_url=_live_url(ContactPage.objects.live().first()),
        rules_url=rules_url,
        rules_title=rules.title if rules_url else "",
        rules_resolution=rules.resolution_label
        if rules_url and isinstance(rules, RulesPage)
        else "",
        privacy_url=_live_url(privacy),
        privacy_title=privacy.title if _live_url(privacy) else "",
        application_form_url=form.url if form else "",
        application_form_title=form.title if form else "",
        login_url=settings.WAGTAIL_FRONTEND_LOGIN_URL,
        search_url=reverse("search"),
    )


def get_site_links() -> SiteLinks:
    """The cached ``SiteLinks``; builds and stores them on a cache miss."""
    language = get_language() or settings.LANGUAGE_CODE
    return SiteLinks(
        **SITE_LINKS_CACHE.get_or_set((language,), lambda: asdict(_build()))
    )


def cached_site_links() -> SiteLinks:
    """The links if the cache already holds them, else the defaults; never
    queries the database (error pages use it while the database is down)."""
    try:
        cached = SITE_LINKS_CACHE.get(get_language() or settings.LANGUAGE_CODE)
    except Exception:  # noqa: BLE001 - a Redis outage must not break error pages
        cached = None
    return SiteLinks(**cached) if cached is not None else SiteLinks()


def clear_site_links_cache(*args, **kwargs) -> None:
    """Signal receiver: a new version of the cached links and of the page
    fragments drawn from them (``site_footer``, ``area_footer``)."""
    SITE_LINKS_CACHE.bump()
