"""Who a document or an image is for: decided by its collection.

Every collection an editor uploads into carries an audience (``CollectionAudience``):
the public, residents (anyone logged in to IOK), the owners in one housing
community, or the office staff. A collection without one takes its nearest
ancestor's; a file whose collection has none at all is for the staff only (fail
closed). Where a file is referenced never matters. ``cms.audiences`` reads it,
``cms.access`` enforces it on every download.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PUBLIC = "public", _("everyone (public)")
    RESIDENTS = "residents", _("residents logged in to IOK")
    COMMUNITY = "community", _("owners in one housing community")
    STAFF = "staff", _("office staff only")


class CollectionAudience(models.Model):
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("collection"),
        on_delete=models.CASCADE,
        related_name="audience",
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience)
    community = models.OneToOneField(
        "ledger.HousingCommunity",
        verbose_name=_("housing community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document_collection",
    )

    class Meta:
        verbose_name = _("collection audience")
        verbose_name_plural = _("collection audiences")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(audience=Audience.COMMUNITY, community__isnull=False)
                    | (~Q(audience=Audience.COMMUNITY) & Q(community__isnull=True))
                ),
                name="cms_collection_audience_community",
            ),
        ]

    def __str__(self):
        return f"{self.collection_id}: {self.audience}"
