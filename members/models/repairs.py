"""Repair requests ("Awarie i naprawy", issue 17 point 2) and the assignment of
staff to the estate offices that handle them.

A resident reports a fault in one of their units or in a common area of its
building; the estate office that serves the unit's building handles it in the
admin. Re-exported by ``members.models``.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .area import private_storage

__all__ = [
    "EstateOfficeStaff",
    "RepairMessage",
    "RepairPhoto",
    "RepairRequest",
    "repair_photo_path",
]


class EstateOfficeStaff(models.Model):
    """A member of staff working in an estate office: they see and handle
    only the repair requests and discrepancy reports of units in the
    buildings of that estate. Staff with the permission
    ``members.all_estate_offices`` (the central office, the board) and
    superusers see every office's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member of staff"),
        on_delete=models.CASCADE,
        related_name="estate_offices",
    )
    estate = models.ForeignKey(
        "ledger.Estate",
        verbose_name=_("estate office"),
        on_delete=models.CASCADE,
        related_name="office_staff",
    )

    class Meta:
        verbose_name = _("estate office staff member")
        verbose_name_plural = _("estate office staff")
        ordering = ["estate__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "estate"], name="members_estate_staff_unique"
            )
        ]
        permissions = [
            (
                "all_estate_offices",
                _("Can handle the requests of every estate office"),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.estate}"


class RepairRequest(models.Model):
    """A resident's report of a fault ("zgłoszenie awarii") in their unit or
    in a common area of the unit's building. The thread of messages
    (``RepairMessage``) is what the resident sees besides the status;
    ``internal_note`` is for the office only and never shown to them."""

    class Place(models.TextChoices):
        UNIT = "unit", _("in my unit")
        COMMON = "common", _("in a common area of the building")

    class Category(models.TextChoices):
        PLUMBING = "plumbing", _("water, sewage, plumbing")
        HEATING = "heating", _("heating, radiators")
        ELECTRICAL = "electrical", _("electrical installation, lighting")
        GAS = "gas", _("gas installation")
        WINDOWS_DOORS = "windows_doors", _("windows, doors, locks")
        LIFT = "lift", _("lift")
        INTERCOM = "intercom", _("intercom, aerial")
        ROOF_WALLS = "roof_walls", _("roof, walls, damp")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", pgettext_lazy("repair", "in progress")
        DONE = "done", _("repaired")
        REJECTED = "rejected", _("closed without repair")

    #: Statuses in which a request is still open (the dashboard counts them).
    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)

    unit = models.ForeignKey(
        "ledger.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="repair_requests",
    )
    party = models.ForeignKey(
        "ledger.Party",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="repair_requests",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repair_requests",
    )
    place = models.CharField(
        _("where"), max_length=10, choices=Place, default=Place.UNIT
    )
    category = models.CharField(_("category"), max_length=20, choices=Category)
    description = models.TextField(_("description of the fault"), max_length=4000)
    convenient_time = models.CharField(
        _("convenient time for a visit"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_repairs",
    )
    internal_note = models.TextField(
        _("internal note"),
        blank=True,
        help_text=_("For the office only; the resident never sees it."),
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("repair request")
        verbose_name_plural = _("repair requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["party", "-created_at"], name="members_repair_party_date"
            ),
            models.Index(
                fields=["status", "created_at"], name="members_repair_status_date"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_category_display()} ({self.unit})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


def repair_photo_path(instance, filename: str) -> str:
    """A random name: the resident's file name is never part of a path."""
    extension = os.path.splitext(filename)[1].lower()
    return f"repairs/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class RepairPhoto(models.Model):
    """A photo of the fault, checked by its content and re-encoded as JPEG
    (which drops its metadata, e.g. the location) before it is stored."""

    request = models.ForeignKey(
        RepairRequest,
        verbose_name=_("repair request"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = models.FileField(
        _("photo"),
        storage=private_storage,
        upload_to=repair_photo_path,
        max_length=200,
    )
    original_name = models.CharField(_("file name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("photo of a fault")
        verbose_name_plural = _("photos of faults")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or self.image.name


class RepairMessage(models.Model):
    """One entry of a request's thread, all shown to the resident: their own
    replies, the office's replies, and status changes."""

    class Kind(models.TextChoices):
        RESIDENT = "resident", _("resident's message")
        OFFICE = "office", _("office's reply")
        STATUS = "status", _("status change")

    request = models.ForeignKey(
        RepairRequest,
        verbose_name=_("repair request"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"), max_length=4000, blank=True)
    status = models.CharField(
        _("new status"),
        max_length=20,
        choices=RepairRequest.Status,
        blank=True,
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("repair request message")
        verbose_name_plural = _("repair request messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"#{self.request_id} {self.get_kind_display()}"
