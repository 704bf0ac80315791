"""When each recurring job (``members.jobs``) last ran: the worker's schedule
reads it to know what is due, so that several workers, or a restart, never
run a job twice in its period. Re-exported by ``members.models``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["RecurringJobRun"]


class RecurringJobRun(models.Model):
    job = models.CharField(_("job"), max_length=60, unique=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_ok = models.BooleanField(_("last run succeeded"), null=True)
    last_output = models.TextField(_("last output"), blank=True)

    class Meta:
        verbose_name = _("recurring job")
        verbose_name_plural = _("recurring jobs")
        ordering = ["job"]

    def __str__(self) -> str:
        return self.job
