"""Records of the member area: discrepancy reports (rules §III.5), requests to
change contact data, which version of the rules a resident has been shown, and
the staff view of meter readings residents submit.

Re-exported by ``members.models`` (the ``members`` app owns the tables).
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.models import MeterReading
from ledger.storage import PrivateStorage, private_storage

__all__ = [
    "ContactChangeRequest",
    "DiscrepancyReport",
    "PrivateStorage",
    "private_storage",
    "report_attachment_path",
    "ResidentMeterReading",
    "RulesAcknowledgement",
]


def report_attachment_path(instance, filename: str) -> str:
    """A random name: the resident's file name is kept in ``attachment_name``
    and never becomes part of a path."""
    extension = os.path.splitext(filename)[1].lower()
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class DiscrepancyReport(models.Model):
    """A resident's report that a unit's balance does not match (rules §III.5).
    It goes to the estate office that serves the unit; staff answer it in the
    admin and the resident sees the status and the answer."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")

    unit = models.ForeignKey(
        "ledger.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="discrepancy_reports",
    )
    party = models.ForeignKey(
        "ledger.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="discrepancy_reports",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discrepancy_reports",
    )
    message = models.TextField(_("message"), max_length=4000)
    attachment = models.FileField(
        _("attachment"),
        storage=private_storage,
        upload_to=report_attachment_path,
        max_length=200,
        blank=True,
    )
    attachment_name = models.CharField(
        _("attachment file name"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NEW
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("discrepancy report")
        verbose_name_plural = _("discrepancy reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["party", "-created_at"], name="members_report_party_date"
            ),
            models.Index(
                fields=["status", "created_at"], name="members_report_status_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="answered") | ~models.Q(answer=""),
                name="members_report_answered_has_answer",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.unit_id} {self.get_status_display()}"


class ContactChangeRequest(models.Model):
    """A resident asks the office to change the contact data on file. Empty
    fields mean "no change". Staff confirm it in the admin (which copies the
    values to the party) or reject it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the office")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    party = models.ForeignKey(
        "ledger.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="contact_change_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    phone = models.CharField(_("new phone"), max_length=40, blank=True)
    email = models.EmailField(_("new e-mail"), blank=True)
    address = models.CharField(
        _("new correspondence address"), max_length=300, blank=True
    )
    postal_code = models.CharField(_("new postal code"), max_length=6, blank=True)
    city = models.CharField(_("new city"), max_length=100, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING
    )
    staff_note = models.CharField(_("office note"), max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("contact data change request")
        verbose_name_plural = _("contact data change requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["party", "-created_at"], name="members_contact_party_date"
            ),
            models.Index(fields=["status"], name="members_contact_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(phone="", email="", address="", city=""),
                name="members_contact_request_not_empty",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.party_id} {self.get_status_display()}"

    @property
    def changes(self) -> list[tuple[str, str]]:
        """The requested values as (label, value) pairs, empty ones left out."""
        fields = ("phone", "email", "address", "postal_code", "city")
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name))
            for name in fields
            if getattr(self, name)
        ]


class RulesAcknowledgement(models.Model):
    """Which version of the IOK rules the resident has been shown: after the
    board publishes a new version, the next login shows a one-time notice
    linking to it (rules §IV.4: published rules are deemed delivered)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="rules_acknowledgement",
    )
    revision_id = models.PositiveBigIntegerField(_("rules page revision"))
    version = models.CharField(
        _("rules version"),
        max_length=100,
        help_text=_("Resolution number and effective date of the version shown."),
    )
    shown_at = models.DateTimeField(_("shown at"), default=timezone.now)

    class Meta:
        verbose_name = _("rules notice shown")
        verbose_name_plural = _("rules notices shown")

    def __str__(self):
        return f"{self.user_id}: {self.version}"


class ResidentMeterReading(MeterReading):
    """The staff screen for readings residents submit: the same rows as
    ``ledger.MeterReading``, reviewed (accepted or rejected) in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("resident-submitted reading")
        verbose_name_plural = _("resident-submitted readings")
