"""Housing-community notices (zone 5 of rules §III.2).

The tree: the home page → one "Ogłoszenia wspólnot" section
(``CommunityNoticeSectionPage``) → one ``CommunityNoticeIndexPage`` per housing
community → its ``CommunityNoticePage`` notices. Only owners in that community
(a party holding a valid right to a unit in one of its buildings, today) and
staff may read an index or a notice; ``cms.wagtail_hooks`` enforces that on every
request, and ``cms.queries`` applies the same rule to every listing.

The section and each index also carry a Wagtail login restriction (added on
save), so Wagtail's own ``.public()`` and the site search leave the whole subtree
out even for code that knows nothing of communities.
"""

from django.db import models
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from modelcluster.fields import ParentalKey

from .blocks import RICH_TEXT_FEATURES
from .notices import BaseNoticeAttachment, BaseNoticePage, NoticeListingMixin

# Set on the request by the before_serve_page guard once it has checked access,
# so ``serve()`` can tell whether the guard ran (and check itself if it did not).
ACCESS_CHECKED_ATTR = "_cms_community_access_checked"


class CommunityPrivatePageMixin:
    """Shared by the three page types (listed first among the bases, so that it
    wraps RoutablePageMixin's ``serve`` in the listing): a login restriction kept
    in place, and responses that are never cached (they are one community's
    private matters)."""

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        from cms.services import community_page_ensure_restriction

        community_page_ensure_restriction(self)
        return result

    def serve(self, request, *args, **kwargs):
        if getattr(request, ACCESS_CHECKED_ATTR, None) != self.pk:
            # Served without the before_serve_page guard (a custom view calling
            # serve() directly): check here rather than trust the caller.
            from cms.access import community_page_guard

            refused = community_page_guard(self, request)
            if refused is not None:
                return refused
        response = super().serve(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response


class CommunityNoticeSectionPage(CommunityPrivatePageMixin, Page):
    """The "Ogłoszenia wspólnot" container: holds one listing per community and
    shows a logged-in user the communities whose notices they may read."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CommunityNoticeIndexPage"]

    class Meta:
        verbose_name = _("housing-community notices section")
        verbose_name_plural = _("housing-community notices sections")

    def get_context(self, request, *args, **kwargs):
        from cms.queries import community_indexes_for_user

        context = super().get_context(request, *args, **kwargs)
        context["indexes"] = community_indexes_for_user(user=request.user)
        return context


class CommunityNoticeIndexPage(CommunityPrivatePageMixin, NoticeListingMixin, Page):
    """The notices of one housing community: current ones (pinned first) and an
    archive of expired ones. The editor chooses the community; each community
    has at most one such page."""

    community = models.OneToOneField(
        "ledger.HousingCommunity",
        verbose_name=_("housing community"),
        on_delete=models.PROTECT,
        related_name="notice_index",
        help_text=_(
            "Only owners of units in this community (and the office) can read the "
            "notices published here."
        ),
    )
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("community"),
        FieldPanel("intro"),
    ]

    parent_page_types = ["cms.CommunityNoticeSectionPage"]
    subpage_types = ["cms.CommunityNoticePage"]

    class Meta:
        verbose_name = _("housing-community notice listing")
        verbose_name_plural = _("housing-community notice listings")

    def notices_for(self, request, *, expired):
        from cms.queries import community_notices_for_user

        return community_notices_for_user(
            user=request.user, index=self, expired=expired
        )


class CommunityNoticePage(CommunityPrivatePageMixin, BaseNoticePage):
    """One notice of a housing community, readable by its owners and the office.

    With ``notify_residents`` ticked, publishing the notice e-mails every owner
    in the community who has an account and an e-mail address, once per notice
    (``CommunityNoticeMailing`` records it).
    """

    # As the base's, but the e-mail quotes the lead too.
    lead = models.TextField(
        _("lead"),
        max_length=600,
        help_text=_("One or two sentences shown in listings and in the e-mail."),
    )
    notify_residents = models.BooleanField(
        _("notify residents by e-mail"),
        default=False,
        help_text=_(
            "When the notice is published, e-mail the owners in this community who "
            "have an IOK account with an e-mail address. Sent once per notice."
        ),
    )

    content_panels = BaseNoticePage.notice_content_panels("notify_residents")
    # Indexed for the admin's search (the base's fields); the public site search
    # leaves the type out.

    parent_page_types = ["cms.CommunityNoticeIndexPage"]

    class Meta:
        verbose_name = _("housing-community notice")
        verbose_name_plural = _("housing-community notices")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["index"] = self.community_index()
        return context

    def community_index(self) -> CommunityNoticeIndexPage | None:
        """The listing this notice belongs to (its parent), with its community."""
        return (
            CommunityNoticeIndexPage.objects.ancestor_of(self)
            .select_related("community")
            .first()
        )


class CommunityNoticeAttachment(BaseNoticeAttachment):
    """A document attached to a community notice (a resolution, a plan)."""

    page = ParentalKey(
        CommunityNoticePage, on_delete=models.CASCADE, related_name="attachments"
    )


class CommunityNoticeMailing(models.Model):
    """The e-mail to a community's owners about one notice: created when the
    notice is first published with "notify residents" ticked, completed by the
    background task. One per notice, so republishing never sends it again."""

    page = models.OneToOneField(
        CommunityNoticePage,
        verbose_name=_("notice"),
        on_delete=models.CASCADE,
        related_name="mailing",
    )
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(_("number of recipients"), default=0)

    class Meta:
        verbose_name = _("notice e-mail")
        verbose_name_plural = _("notice e-mails")

    def __str__(self):
        return f"{self.page_id}: {self.sent_at or '…'}"
