"""Where the rules, the privacy clause and the access application form live.

The public-site app owns those pages. This module is the single place that finds
them: the live page of the matching type when the cms app defines it, else the
URL from settings (IOK_RULES_URL, IOK_PRIVACY_URL, IOK_APPLICATION_FORM_URL).
"""

from django.apps import apps
from django.conf import settings

DEFAULTS = {
    "rules": ("RulesPage", "IOK_RULES_URL", "/regulamin/"),
    "privacy": ("PrivacyClausePage", "IOK_PRIVACY_URL", "/rodo/"),
    "application_form": (None, "IOK_APPLICATION_FORM_URL", "/wniosek/"),
}


def _page_url(model_name: str | None) -> str | None:
    if model_name is None:
        return None
    try:
        model = apps.get_model("cms", model_name)
    except LookupError:
        return None
    page = model.objects.live().public().first()
    return page.url if page is not None else None


def _cached_site_links() -> dict[str, str]:
    """The same URLs from the public site's cached links (``cms.site_links``):
    no query on a warm cache, where the page lookups below cost four on every
    member page. Empty when the cms app does not offer them."""
    try:
        from cms.site_links import get_site_links
    except ImportError:
        return {}
    site = get_site_links()
    return {
        "rules": site.rules_url,
        "privacy": site.privacy_url,
        "application_form": site.application_form_url,
    }


def public_links() -> dict[str, str]:
    cached = _cached_site_links()
    if cached:
        return {
            key: cached.get(key) or getattr(settings, setting_name, default)
            for key, (_model, setting_name, default) in DEFAULTS.items()
        }
    links = {}
    for key, (model_name, setting_name, default) in DEFAULTS.items():
        links[key] = _page_url(model_name) or getattr(settings, setting_name, default)
    return links
