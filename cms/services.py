"""Writes that keep page privacy and moderation in line with what editors chose."""

import logging

from django.db import transaction

from wagtail.models import Page, PageViewRestriction, Workflow, WorkflowPage

logger = logging.getLogger(__name__)

# Created by migration cms.0002_board_workflow; the names are what staff see.
BOARD_WORKFLOW_NAME = "Zatwierdzenie przez Zarząd"
BOARD_TASK_NAME = "Akceptacja Zarządu"
BOARD_GROUP_NAME = "Zarząd"


@transaction.atomic
def notice_sync_restriction(page: Page) -> None:
    """Make a notice's Wagtail privacy follow its audience field.

    A residents-only notice gets a login restriction, so Wagtail itself sends
    anonymous visitors to the login page and ``.public()`` leaves it out; a public
    notice loses the login restriction (group restrictions set by hand stay).
    """
    restrictions = list(PageViewRestriction.objects.filter(page=page))
    if page.audience == "residents":
        if not restrictions:
            PageViewRestriction(
                page=page, restriction_type=PageViewRestriction.LOGIN
            ).save()
    else:
        for restriction in restrictions:
            if restriction.restriction_type == PageViewRestriction.LOGIN:
                restriction.delete()


def page_assign_board_workflow(page: Page) -> None:
    """Attach the board's approval workflow to a rules or privacy page."""
    workflow = Workflow.objects.filter(name=BOARD_WORKFLOW_NAME, active=True).first()
    if workflow is None:
        logger.warning(
            "Workflow %r is missing; %s is unmoderated", BOARD_WORKFLOW_NAME, page
        )
        return
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


# --- Housing-community notices ------------------------------------------------------


def community_page_ensure_restriction(page: Page) -> None:
    """Give a housing-community section or listing a login restriction unless it
    has a restriction already, so Wagtail's ``.public()`` and anything built on
    it leave the subtree out. Who may read what is decided per request
    (``cms.access``); this is the second lock."""
    from cms.models import CommunityNoticePage

    if isinstance(page, CommunityNoticePage):
        return  # covered by its listing's restriction
    if not PageViewRestriction.objects.filter(page=page).exists():
        PageViewRestriction(
            page=page, restriction_type=PageViewRestriction.LOGIN
        ).save()
