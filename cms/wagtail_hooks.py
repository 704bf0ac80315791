"""Wagtail hooks of the public site."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers

from wagtail import hooks
from wagtail.models import Page

from cms.models import NoticePage


@hooks.register("before_serve_page")
def require_login_for_residents_notices(page: Page, request, serve_args, serve_kwargs):
    """A second lock behind the page's login restriction: a residents-only notice
    is never served to an anonymous visitor, even if an editor removed the
    restriction in the privacy dialog."""
    if (
        isinstance(page, NoticePage)
        and page.is_residents_only
        and not request.user.is_authenticated
    ):
        response = redirect_to_login(
            request.get_full_path(), settings.WAGTAIL_FRONTEND_LOGIN_URL
        )
        add_never_cache_headers(response)
        return response
    return None


# Before the members' hook (order 0) that sends a user with the office-issued
# password to the change form: someone outside the community gets 404 first, so
# the change form does not reveal that the page exists.
@hooks.register("before_serve_page", order=-10)
def guard_housing_community_pages(page: Page, request, serve_args, serve_kwargs):
    """Housing-community listings and notices: only the community's owners
    (today) and staff; see ``cms.access``."""
    from cms.access import COMMUNITY_PAGE_TYPES, community_page_guard

    if isinstance(page, COMMUNITY_PAGE_TYPES):
        return community_page_guard(page, request)
    return None


# Before Wagtail's own collection-restriction hook (order 0): documents that are
# not public are checked and served by ``cms.access`` alone.
@hooks.register("before_serve_document", order=-10)
def guard_documents_by_audience(document, request):
    """A document is for the audience of its collection (``cms.audiences``),
    wherever it is referenced; a private one is served with ``private, no-store``."""
    from cms.access import document_guard

    return document_guard(document, request)
