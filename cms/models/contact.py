"""Contact data of the head office and of each estate office."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey

from ledger.queries import estate_offices

from .blocks import RICH_TEXT_FEATURES


class ContactPage(Page):
    """Where to go: the head office (edited here by staff) and every estate
    office, read from the ledger's Estate records (``ledger.queries.
    estate_offices``), the one list the member area shows too. Offices of the
    kind "estate office" entered here are not shown: edit the estate instead."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("offices", label=_("Offices"), min_num=1),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.RelatedFields(
            "offices",
            [index.SearchField("name"), index.SearchField("address")],
        ),
    ]

    max_count = 1
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["head_offices"] = [
            office
            for office in self.offices.all()
            if office.kind == ContactOffice.Kind.HEAD_OFFICE
        ]
        context["estate_offices"] = estate_offices()
        return context

    class Meta:
        verbose_name = _("contact page")
        verbose_name_plural = _("contact pages")


class ContactOffice(Orderable):
    """One office: the head office or an estate office ("Administracja Osiedla")."""

    class Kind(models.TextChoices):
        HEAD_OFFICE = "head_office", _("Head office")
        ESTATE_OFFICE = "estate_office", _("Estate office")

    page = ParentalKey(ContactPage, on_delete=models.CASCADE, related_name="offices")
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.ESTATE_OFFICE
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"))
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("One line per day or group of days, e.g. 'pon. 8:00–17:00'."),
    )
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("E.g. the streets and buildings the office serves."),
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("opening_hours"),
        FieldPanel("notes"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self):
        return self.name
