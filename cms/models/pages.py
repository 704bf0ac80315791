"""The home page and free-form standard pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import RICH_TEXT_FEATURES, BodyBlock


class HomePage(Page):
    """The site's root: a welcome, the latest notices and the ways into IOK."""

    welcome = RichTextField(_("welcome"), blank=True, features=RICH_TEXT_FEATURES)
    notices_count = models.PositiveSmallIntegerField(
        _("number of latest notices"),
        default=5,
        help_text=_("How many current notices the home page lists (pinned first)."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("welcome"),
        FieldPanel("notices_count"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("welcome")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.StandardPage",
        "cms.NoticeIndexPage",
        "cms.RulesPage",
        "cms.PrivacyClausePage",
        "cms.ContactPage",
        "cms.CommunityNoticeSectionPage",
    ]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        from cms.queries import notices_for_listing

        context = super().get_context(request, *args, **kwargs)
        context["latest_notices"] = notices_for_listing(user=request.user)[
            : self.notices_count
        ]
        return context


class StandardPage(Page):
    """Any other page: text, images, documents and tables."""

    lead = models.TextField(_("lead"), blank=True, max_length=600)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("lead"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")
