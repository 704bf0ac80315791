"""Template context for every page, Wagtail or not."""

from django.utils.functional import SimpleLazyObject

from cms.site_links import get_site_links


def site_links(request):
    """``site_links``: rules, privacy clause and form URLs, cooperative data.

    Lazy, so a template that never reads it costs nothing; reading it costs one
    cache lookup (see ``cms.site_links``).
    """
    return {"site_links": SimpleLazyObject(get_site_links)}
