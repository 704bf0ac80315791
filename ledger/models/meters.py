"""Meters in units and their readings ("odczyty liczników")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel
from .structure import Unit


class Meter(TimeStampedModel):
    """A meter or heat cost allocator in a unit, from ``installed_on`` until
    ``removed_on``. A meter that took the place of another points to it with
    ``replaces``, so consumption can be followed across a replacement."""

    class Kind(models.TextChoices):
        COLD_WATER = "cold_water", _("cold water")
        HOT_WATER = "hot_water", _("hot water")
        HEAT_ALLOCATOR = "heat_allocator", _("heat cost allocator")
        GAS = "gas", _("gas")
        ELECTRICITY = "electricity", _("electricity")

    external_id = models.CharField(_("external id"), max_length=64, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="meters"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    serial_number = models.CharField(_("serial number"), max_length=50)
    location = models.CharField(_("location"), max_length=100, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=10)
    installed_on = models.DateField(_("installed on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces meter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
    )

    class Meta:
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        ordering = ["unit", "kind", "installed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(removed_on__isnull=True)
                | models.Q(removed_on__gte=models.F("installed_on")),
                name="ledger_meter_removed_after_installed",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.serial_number}"


class MeterReading(TimeStampedModel):
    """A reading of a meter on a day. Readings from the collector or radio come
    from the accounting system (``external_id`` set, status accepted); readings
    a resident submits start ``pending`` with ``submitted_by`` set, until staff
    accept or reject them. Consumption is the difference between accepted
    readings."""

    class Source(models.TextChoices):
        COLLECTOR = "collector", _("collector")
        RADIO = "radio", _("radio read")
        RESIDENT = "resident", _("submitted by resident")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        PENDING = "pending", _("pending review")
        REJECTED = "rejected", _("rejected")

    external_id = models.CharField(
        _("external id"), max_length=64, unique=True, null=True, blank=True
    )
    meter = models.ForeignKey(
        Meter,
        verbose_name=_("meter"),
        on_delete=models.CASCADE,
        related_name="readings",
        db_index=False,  # covered by ledger_reading_meter_date
    )
    reading_date = models.DateField(_("reading date"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)
    source = models.CharField(
        _("source"), max_length=20, choices=Source, default=Source.COLLECTOR
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.ACCEPTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_readings",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("meter reading")
        verbose_name_plural = _("meter readings")
        ordering = ["meter", "reading_date", "id"]
        indexes = [
            models.Index(
                fields=["meter", "reading_date"], name="ledger_reading_meter_date"
            ),
            models.Index(fields=["status"], name="ledger_reading_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0),
                name="ledger_reading_value_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.meter} {self.reading_date}: {self.value}"
