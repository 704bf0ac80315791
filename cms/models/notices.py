"""Cooperative notices: a listing page and the notices under it."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey

from .blocks import RICH_TEXT_FEATURES, BodyBlock

NOTICES_PER_PAGE = 10


class NoticeListingMixin(RoutablePageMixin):
    """A listing of notices (before ``Page`` among the bases): the current
    ones at its address, pinned first, and the expired ones under
    ``archiwum/``, ``NOTICES_PER_PAGE`` a page (``?strona=``). Subclasses say
    which notices the user may see in ``notices_for(request, expired=…)``."""

    def notices_for(self, request, *, expired: bool):
        raise NotImplementedError

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            # A logged-in user's listing holds notices for residents only: never
            # kept by a shared cache or the browser (issue 12, item 13).
            add_never_cache_headers(response)
        return response

    def paginate(self, request, notices):
        paginator = Paginator(notices, NOTICES_PER_PAGE)
        return paginator.get_page(request.GET.get("strona"))

    @path("")
    def current(self, request):
        notices = self.notices_for(request, expired=False)
        return self.render(
            request,
            context_overrides={"notices": self.paginate(request, notices)},
        )

    @path("archiwum/", name="archive")
    def archive(self, request):
        notices = self.notices_for(request, expired=True)
        return self.render(
            request,
            context_overrides={
                "notices": self.paginate(request, notices),
                "is_archive": True,
            },
        )


class NoticeIndexPage(NoticeListingMixin, Page):
    """Lists the current notices (pinned first); expired ones move to the archive."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NoticePage"]

    class Meta:
        verbose_name = _("notice listing")
        verbose_name_plural = _("notice listings")

    def notices_for(self, request, *, expired):
        from cms.queries import notices_for_listing

        return notices_for_listing(user=request.user, parent=self, expired=expired)


class BaseNoticePage(Page):
    """What every notice has, the cooperative's (``NoticePage``) and a housing
    community's (``CommunityNoticePage``): dates, lead, body, pinning and
    attachments (an ``attachments`` inline of a ``BaseNoticeAttachment``).
    Expired notices (``valid_until`` past) leave the listings for the archive."""

    date = models.DateField(_("publication date"), default=timezone.localdate)
    lead = models.TextField(
        _("lead"),
        max_length=600,
        help_text=_("One or two sentences shown in listings."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_(
            "After this day the notice leaves the listings and moves to the archive; "
            "its address keeps working."
        ),
    )
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Pinned notices are listed first.")
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    subpage_types = []

    class Meta:
        abstract = True

    @staticmethod
    def notice_content_panels(*publication_fields: str) -> list:
        """The editor's form: the publication box (dates, pinning and the
        type's own ``publication_fields``), lead, body and attachments."""
        return [
            *Page.content_panels,
            MultiFieldPanel(
                [
                    FieldPanel("date"),
                    FieldPanel("valid_until"),
                    FieldPanel("pinned"),
                    *(FieldPanel(name) for name in publication_fields),
                ],
                heading=_("Publication"),
            ),
            FieldPanel("lead"),
            FieldPanel("body"),
            InlinePanel("attachments", label=_("Attachments")),
        ]

    def clean(self):
        super().clean()
        if self.valid_until and self.date and self.valid_until < self.date:
            raise ValidationError(
                {"valid_until": _("A notice cannot expire before it is published.")}
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = self.attachments.select_related("document")
        return context

    @property
    def is_expired(self) -> bool:
        return bool(self.valid_until and self.valid_until < timezone.localdate())


class NoticePage(BaseNoticePage):
    """One notice of the cooperative, for everyone or for logged-in residents only.

    Choosing the residents-only audience puts a Wagtail login restriction on the
    page when it is saved (see ``cms.services.notice_sync_restriction``), so the
    page itself, listings and search all treat it as private.
    """

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        RESIDENTS = "residents", _("Logged-in residents only")

    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.PUBLIC,
        help_text=_(
            "Residents-only notices need login: they are hidden from visitors, "
            "listings and search."
        ),
    )

    content_panels = BaseNoticePage.notice_content_panels("audience")
    search_fields = [*BaseNoticePage.search_fields, index.FilterField("audience")]

    parent_page_types = ["cms.NoticeIndexPage"]

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "audience" in update_fields:
            from cms.services import notice_sync_restriction

            notice_sync_restriction(self)
        return result

    @property
    def is_residents_only(self) -> bool:
        return self.audience == self.Audience.RESIDENTS

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.is_residents_only:
            add_never_cache_headers(response)  # private, no-store
        return response


class BaseNoticeAttachment(Orderable):
    """A document attached to a notice (a schedule, a plan, a form, a
    resolution). Subclasses add ``page``, the ``ParentalKey`` to their notice
    type with ``related_name="attachments"``."""

    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("link text"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the document's title."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def link_text(self) -> str:
        return self.title or self.document.title


class NoticeAttachment(BaseNoticeAttachment):
    """A document attached to a cooperative notice."""

    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
