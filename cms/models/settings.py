"""Site-wide values editors change in Settings → Cooperative."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from cms.validators import validate_nip


@register_setting(icon="home")
class SiteSettings(BaseGenericSetting):
    """The cooperative's identity and the documents every page links to.

    Read through ``cms.site_links.get_site_links()``, which caches these values so
    the footer of every page costs no query.
    """

    cooperative_name = models.CharField(
        _("cooperative name"), max_length=200, default="Spółdzielnia Mieszkaniowa"
    )
    address = models.TextField(
        _("head office address"),
        blank=True,
        help_text=_("Street and number on the first line, postcode and town below."),
    )
    nip = models.CharField(
        _("NIP"), max_length=13, blank=True, validators=[validate_nip]
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    rules_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("rules page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The IOK rules, linked from every page footer and the login page."),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy clause page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The GDPR (RODO) clause, linked from every page footer."),
    )
    application_form = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("IOK access application form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("cooperative_name"),
                FieldPanel("address"),
                FieldPanel("nip"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            heading=_("Cooperative"),
        ),
        MultiFieldPanel(
            [
                PageChooserPanel("rules_page", "cms.RulesPage"),
                PageChooserPanel("privacy_page", "cms.PrivacyClausePage"),
                FieldPanel("application_form"),
            ],
            heading=_("Documents linked from every page"),
        ),
    ]

    class Meta:
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperative")

    def __str__(self):
        return self.cooperative_name
