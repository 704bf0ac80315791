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


def community_notice_queue_mailing(page) -> None:
    """On publishing a community notice with "notify residents" ticked: record
    the mailing (one per notice) and queue the background task that sends it,
    after the publishing transaction commits. Republishing queues nothing once
    the e-mails have gone."""
    from cms.models import CommunityNoticeMailing
    from cms.tasks import send_community_notice_emails

    if not page.notify_residents:
        return
    mailing, _created = CommunityNoticeMailing.objects.get_or_create(page=page)
    if mailing.sent_at is None:
        page_id = page.pk
        transaction.on_commit(
            lambda: send_community_notice_emails.enqueue(page_id=page_id)
        )


def community_notice_send_emails(*, page_id: int) -> int:
    """Send the queued e-mail about notice ``page_id``: one message per owner in
    its community with an account and an e-mail address, on the day it runs.
    Returns how many were sent; 0 when already sent, or when the notice is no
    longer live (the next publication queues it again).

    The mailing row is locked for the whole run, so two workers never both send
    it; if sending fails half-way the transaction rolls back and a retry sends
    to everyone again.
    """
    from django.conf import settings
    from django.core.mail import EmailMessage, get_connection
    from django.template.loader import render_to_string
    from django.utils import timezone, translation
    from django.utils.translation import gettext

    from cms.models import CommunityNoticeMailing, CommunityNoticePage
    from cms.queries import community_notice_recipients

    with transaction.atomic():
        mailing = (
            CommunityNoticeMailing.objects.select_for_update()
            .filter(page_id=page_id)
            .first()
        )
        if mailing is None or mailing.sent_at is not None:
            return 0
        page = CommunityNoticePage.objects.live().filter(pk=page_id).first()
        index = page.community_index() if page is not None else None
        if index is None:
            return 0
        community = index.community
        recipients = community_notice_recipients(
            community=community, on=timezone.localdate()
        )
        with translation.override(settings.LANGUAGE_CODE):
            subject = gettext("Notice of %(community)s: %(title)s") % {
                "community": community.name,
                "title": page.title,
            }
            body = render_to_string(
                "cms/community_notice_email.txt",
                {
                    "page": page,
                    "community": community,
                    "url": page.get_full_url()
                    or settings.WAGTAILADMIN_BASE_URL + (page.url or "/"),
                },
            )
        messages = [
            EmailMessage(subject=" ".join(subject.split()), body=body, to=[address])
            for _user, address in recipients
        ]
        if messages:
            get_connection().send_messages(messages)
        mailing.sent_at = timezone.now()
        mailing.recipients_count = len(messages)
        mailing.save(update_fields=["sent_at", "recipients_count"])
        logger.info(
            "Community notice %s e-mailed to %d residents", page_id, len(messages)
        )
        return len(messages)
