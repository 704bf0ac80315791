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


# Runs before the other page hooks: a community page is decided by the
# community rule first (anonymous → login, outsider → 404).
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


# --- The board's pages: rules and privacy clause (issue 12, item 7) ----------------
# Direct publication is taken away by cms.models.rules.BoardPagePermissionTester;
# the approval publishes (cms.workflow). Here: the log actions and the board's
# screen to withdraw a wrongly published version.


@hooks.register("register_log_actions")
def register_board_log_actions(actions):
    from django.utils.translation import gettext_lazy as _

    from cms.workflow import BOARD_APPROVED, VERSION_WITHDRAWN

    actions.register_action(
        BOARD_APPROVED, _("Approve (board)"), _("Approved by the board")
    )

    from wagtail.log_actions import LogFormatter

    @actions.register_action(VERSION_WITHDRAWN)
    class VersionWithdrawn(LogFormatter):
        label = _("Withdraw version")

        def format_message(self, log_entry):
            return _("Version withdrawn by the board: %(reason)s") % {
                "reason": log_entry.data.get("reason", "")
            }


@hooks.register("register_admin_urls")
def register_board_urls():
    from django.urls import path

    from cms.admin_views import withdraw_version_view

    return [
        path(
            "board/<int:page_id>/withdraw/",
            withdraw_version_view,
            name="cms_board_withdraw",
        )
    ]


@hooks.register("register_page_header_buttons")
def board_withdraw_button(page, user, view_name, next_url=None):
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from wagtail.admin.widgets import Button

    from cms.workflow import is_board_page, user_is_board

    if is_board_page(page.specific_deferred) and user_is_board(user):
        yield Button(
            _("Withdraw a version"),
            reverse("cms_board_withdraw", args=[page.pk]),
            icon_name="history",
            priority=66,
        )
