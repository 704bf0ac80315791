"""What the board's approval does when a workflow finishes (issue 12, item 7).

Rules and privacy pages can be published directly by superusers only
(``cms.models.rules.BoardPagePermissionTester``); everyone else goes through
the board's workflow, and the approval is the permission: the revision is
published without asking for the approver's own publish right, and a
``cms.board_approved`` entry in Wagtail's page log records the approval. The
public version list of the rules (``cms.queries.rules_versions``) shows only
revisions with that record (or published by a superuser or by the system).

Named by the ``WAGTAIL_FINISH_WORKFLOW_ACTION`` setting, which Wagtail imports
while it loads its models: nothing here is imported at module level.
"""

#: Page log actions (registered in ``cms.wagtail_hooks``).
BOARD_APPROVED = "cms.board_approved"
VERSION_WITHDRAWN = "cms.version_withdrawn"


def publish_workflow_state(workflow_state, user=None):
    """Publish the object of an approved workflow (Wagtail's default action),
    and, for a board page, record the approval of the published revision."""
    from wagtail.models import PageLogEntry

    obj = workflow_state.content_object
    obj = getattr(obj, "specific", obj)  # the generic relation gives a base Page
    revision = obj.get_latest_revision()
    board_page = is_board_page(obj)
    revision.publish(user=user, skip_permission_checks=board_page)
    if board_page:
        PageLogEntry.objects.log_action(
            instance=obj,
            action=BOARD_APPROVED,
            user=user,
            revision=revision,
            data={"workflow_state": workflow_state.pk},
        )


def is_board_page(obj) -> bool:
    """A rules or privacy clause page (a specific instance)."""
    from cms.models import PrivacyClausePage, RulesPage

    return isinstance(obj, RulesPage | PrivacyClausePage)


class WithdrawalError(Exception):
    """The version cannot be withdrawn (the message is shown to the board)."""


def user_is_board(user) -> bool:
    """Members of the board's group (and superusers) approve and withdraw."""
    from cms.services import BOARD_GROUP_NAME

    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=BOARD_GROUP_NAME).exists()


def board_page_withdraw_version(*, page, revision_id: int, user, reason: str):
    """The board withdraws a wrongly published version of a rules or privacy
    page: the withdrawal, with its reason and who made it, is written to
    Wagtail's page log (``cms.version_withdrawn``, kept with the page's
    history); the version leaves the public version list; when it is the
    version online, the latest publication that still stands goes back online,
    or the page is unpublished when none does. Returns the page."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction
    from django.utils.translation import gettext as _

    from wagtail.actions.unpublish_page import UnpublishPageAction
    from wagtail.models import Page, PageLogEntry

    from cms.queries import PUBLISH_ACTIONS, board_page_publications

    if not user_is_board(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise WithdrawalError(_("Give the reason for the withdrawal."))
    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk).specific
        if not is_board_page(page):
            raise WithdrawalError(_("Only the rules and the privacy clause."))
        published = (
            PageLogEntry.objects.filter(
                page_id=page.pk, revision_id=revision_id, action__in=PUBLISH_ACTIONS
            )
            .select_related("revision")
            .first()
        )
        if published is None:
            raise WithdrawalError(_("This version of the page was never published."))
        if PageLogEntry.objects.filter(
            page_id=page.pk, revision_id=revision_id, action=VERSION_WITHDRAWN
        ).exists():
            raise WithdrawalError(_("This version was withdrawn already."))
        PageLogEntry.objects.log_action(
            instance=page,
            action=VERSION_WITHDRAWN,
            user=user,
            revision=published.revision,
            data={"reason": reason, "revision_id": revision_id},
        )
        if page.live and page.live_revision_id == revision_id:
            standing = board_page_publications(page)
            if standing:
                standing[-1].revision.publish(user=user, skip_permission_checks=True)
            else:
                UnpublishPageAction(page, user=user).execute(
                    skip_permission_checks=True
                )
    return Page.objects.get(pk=page.pk).specific
