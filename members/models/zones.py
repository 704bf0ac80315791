"""The state of each zone of the member area (rules §III.3: the cooperative may
modify, suspend and add services in IOK).

One row per zone key of ``members.area.zones.ZONES`` whose state staff have
ever set; a zone without a row is on. Read only through
``members.area.zones`` (cached, with the end time applied).

Re-exported by ``members.models``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

__all__ = ["ZoneState"]


class ZoneState(models.Model):
    class State(models.TextChoices):
        ON = "on", pgettext_lazy("iok", "on")
        SUSPENDED = "suspended", pgettext_lazy("iok", "suspended")
        OFF = "off", pgettext_lazy("iok", "off")

    # Not a choices field: the keys live in code (members.area.zones.ZONES), and
    # a zone added there needs no migration.
    zone = models.CharField(pgettext_lazy("iok", "zone"), max_length=40, unique=True)
    state = models.CharField(
        pgettext_lazy("iok", "state"),
        max_length=20,
        choices=State.choices,
        default=State.ON,
    )
    message = models.TextField(
        _("message to residents"),
        blank=True,
        help_text=_("Shown on the zone's pages and the dashboard instead of data."),
    )
    until = models.DateTimeField(
        pgettext_lazy("iok", "until"),
        null=True,
        blank=True,
        help_text=_(
            "When the zone comes back on by itself; empty: until staff switch it on."
        ),
    )
    changed_at = models.DateTimeField(
        pgettext_lazy("iok", "changed"), default=timezone.now
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("iok", "changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("zone state")
        verbose_name_plural = _("zone states")
        ordering = ["zone"]

    def __str__(self) -> str:
        return f"{self.zone}: {self.get_state_display()}"
