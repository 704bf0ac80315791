"""Who may open a housing-community page, a document or an image rendition.

Wagtail's page privacy knows only "logged in" or "in a group", while a community
notice is for the owners in that one community (rules §III.2, zone 5). These
guards answer each request: anonymous → the login page; a logged-in user who may
not read it → 404, as for a page that does not exist, so its existence does not
leak. A user still holding the office-issued password never gets here: the
members' middleware sends them to the change form from every URL (§II.6).

Documents and image renditions follow the same steps for the audience of their
collection (``cms.audiences``): public, residents, one housing community, staff.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import add_never_cache_headers

from django_otp import user_has_device

from cms.audiences import FileAudience, audience_of
from cms.models.audience import Audience
from cms.models.community import ACCESS_CHECKED_ATTR
from cms.queries import (
    COMMUNITY_PAGE_MODELS,
    can_read_every_community,
    communities_for_user,
    user_can_read_community_page,
)
from ledger.roles import is_office_staff

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
    setattr(request, ACCESS_CHECKED_ATTR, page.pk)
    return None


# --- Documents and images: by the audience of their collection ---------------------


def user_in_audience(user, audience: FileAudience) -> bool:
    """Whether logged-in ``user`` is in ``audience`` (``cms.audiences``): anyone
    logged in for residents' files, the community's owners today (and staff) for
    a housing community's, the office staff for staff-only ones."""
    if audience.audience == Audience.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if audience.audience == Audience.RESIDENTS:
        return True
    if audience.audience == Audience.COMMUNITY:
        return (
            can_read_every_community(user)
            or communities_for_user(user=user).filter(pk=audience.community_id).exists()
        )
    return is_office_staff(user)


def collection_file_guard(collection, request) -> HttpResponse | None:
    """``None`` when ``request`` may read a file (document, image rendition) of
    ``collection``; else the response to send instead, as for a member page:
    anonymous or before the second factor → the login page, outside the audience
    → ``Http404``."""
    audience = audience_of(collection)
    if audience.audience == Audience.PUBLIC:
        return None
    if not _logged_in(request):
        return _to_login(request)
    user = request.user
    if not user_in_audience(user, audience):
        raise Http404
    # A group restriction an editor added on top in Wagtail still applies.
    for restriction in collection.get_view_restrictions():
        if not restriction.accept_request(request):
            raise Http404
    return None


def is_public_collection(collection) -> bool:
    return audience_of(collection).audience == Audience.PUBLIC


def private_file_response(file, *, content_type: str, filename: str, inline: bool):
    """A private file, streamed by Django: never stored by a shared cache or the
    browser's, never run as a page of the site."""
    response = FileResponse(
        file.open("rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=filename,
    )
    add_never_cache_headers(response)  # private, no-store, no-cache, max-age=0
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_guard(document, request) -> HttpResponse | None:
    """The ``before_serve_document`` hook, behind ``cms.media.document`` (which
    serves non-public documents itself): reached for a non-public document only
    if Wagtail's view is called some other way; then the same checks apply and
    the file is sent whole, never cached."""
    if is_public_collection(document.collection):
        return None
    refused = collection_file_guard(document.collection, request)
    if refused is not None:
        return refused
    with document.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=document.content_type)
    response["Content-Disposition"] = document.content_disposition
    add_never_cache_headers(response)
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
