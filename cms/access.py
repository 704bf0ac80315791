"""Who may open a housing-community page or one of its documents.

Wagtail's page privacy knows only "logged in" or "in a group", while a community
notice is for the owners in that one community (rules §III.2, zone 5). These
guards answer each request: anonymous → the login page; a logged-in user who may
not read it → 404, as for a page that does not exist, so its existence does not
leak; a resident who may read it but still holds the office-issued password → the
change form (§II.6), as for every other member page.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

from django_otp import user_has_device

from cms.models.community import ACCESS_CHECKED_ATTR
from cms.queries import (
    COMMUNITY_PAGE_MODELS,
    can_read_every_community,
    user_can_read_community_page,
)

COMMUNITY_PAGE_TYPES = COMMUNITY_PAGE_MODELS


def _logged_in(request) -> bool:
    """Logged in, and past the second factor when the user has one (what the
    members' ``member_required`` asks of every member URL)."""
    user = request.user
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or is_verified():
        return True
    return not user_has_device(user)


def _to_login(request) -> HttpResponse:
    response = redirect_to_login(
        request.get_full_path(), settings.WAGTAIL_FRONTEND_LOGIN_URL
    )
    add_never_cache_headers(response)
    return response


def community_page_guard(page, request) -> HttpResponse | None:
    """``None`` when ``request`` may be served ``page``; else the response to send
    instead. Raises ``Http404`` for a logged-in user outside the community."""
    if not _logged_in(request):
        return _to_login(request)
    user = request.user
    if not user_can_read_community_page(user=user, page=page):
        raise Http404
    if getattr(user, "must_change_password", False):
        return redirect("members:password-change")
    setattr(request, ACCESS_CHECKED_ATTR, page.pk)
    return None


def community_document_guard(document, request) -> HttpResponse | None:
    """A document used only by housing-community pages is served to those who may
    read at least one of those pages. A document also used anywhere else (a public
    page, a site setting) was published there by an editor and is served as usual.
    """
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Page, ReferenceIndex

    references = ReferenceIndex.get_references_to(document).values_list(
        "content_type_id", "base_content_type_id", "object_id"
    )
    community_types = {
        ContentType.objects.get_for_model(model).pk for model in COMMUNITY_PAGE_TYPES
    }
    page_ids = set()
    for content_type_id, _base_type_id, object_id in references:
        if content_type_id not in community_types:
            return None
        page_ids.add(int(object_id))
    if not page_ids:
        return None
    if not _logged_in(request):
        return _to_login(request)
    user = request.user
    if can_read_every_community(user):
        return None
    for page in Page.objects.filter(pk__in=page_ids).specific():
        if user_can_read_community_page(user=user, page=page):
            return None
    raise Http404
