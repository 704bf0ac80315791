"""``{% load cms_tags %}``: site-wide links for any template."""

from django import template

from cms.site_links import SiteLinks, get_site_links

register = template.Library()


@register.simple_tag
def site_links() -> SiteLinks:
    """``{% site_links as links %}`` then ``links.rules_url``, ``links.privacy_url``,
    ``links.application_form_url``, ``links.rules_resolution`` and the rest of
    ``cms.site_links.SiteLinks``."""
    return get_site_links()


@register.filter
def startswith(value, prefix) -> bool:
    """``{% if request.path|startswith:links.notices_url %}``; False for ""."""
    return bool(prefix) and str(value).startswith(str(prefix))
