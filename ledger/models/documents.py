"""Documents addressed to one resident about one unit (issue 18): letters the
accounting system used to print (a change of charges, the settlement of
water and heating, a balance confirmation), as PDF files in private storage.

They come in batches through the ``documents`` import (ledger.imports) or one
at a time from the office (the admin); residents read them in the member
area's "Dokumenty" zone while they hold a right to the unit
(``ledger.queries.documents``).
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.storage import private_storage

from .base import TimeStampedModel
from .parties import Party
from .structure import Unit


def document_path(instance, filename: str) -> str:
    """A random name under ``documents/``: the name in the batch or the upload
    never becomes part of a path."""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class PersonalDocument(TimeStampedModel):
    class Kind(models.TextChoices):
        CHARGES_CHANGE = "charges_change", _("notice of a change of charges")
        UTILITIES_SETTLEMENT = "utilities_settlement", _("settlement of utilities")
        BALANCE_CONFIRMATION = "balance_confirmation", _("balance confirmation")
        OTHER = "other", _("other")

    #: The document's id in the accounting system (the import's key); documents
    #: the office uploads get one of their own (``office-…``).
    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    party = models.ForeignKey(
        Party,
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="documents",
        db_index=False,  # covered by ledger_document_party_unit
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind of document"), max_length=30, choices=Kind)
    date = models.DateField(_("document date"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("PDF file"), storage=private_storage, upload_to=document_path, max_length=200
    )
    checksum = models.CharField(_("SHA-256"), max_length=64)
    read_at = models.DateTimeField(_("read by the resident"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal document")
        verbose_name_plural = _("personal documents")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(
                fields=["party", "unit", "-date"], name="ledger_document_party_unit"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "unit", "checksum"], name="ledger_document_once"
            ),
            models.CheckConstraint(
                condition=models.Q(checksum__regex=r"^[0-9a-f]{64}$"),
                name="ledger_document_checksum_sha256",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"

    @property
    def download_name(self) -> str:
        """A safe file name for the download, Polish letters kept
        (``ledger.documents.download_name``)."""
        from ledger.documents import download_name

        return download_name(self)
