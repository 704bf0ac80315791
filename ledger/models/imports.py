"""The record of each import from the accounting system."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStampedModel


class DataImport(TimeStampedModel):
    """One run of an import (or a dry run): which file, its SHA-256, what it
    changed and what went wrong. The member area shows the ``finished_at`` of the
    last successful import as "data as of" (rules §III.4). A file that was
    imported successfully once cannot succeed again for the same kind."""

    class Kind(models.TextChoices):
        FULL = "full", _("all data")
        STRUCTURE = "structure", _("estates, communities, buildings, units")
        PARTIES = "parties", _("parties")
        RIGHTS = "rights", _("rights to units")
        LEDGER = "ledger", _("ledger entries")
        SCHEDULES = "schedules", _("charge schedules")
        SETTLEMENTS = "settlements", _("settlements of charges")
        LOANS = "loans", _("loans")
        METERS = "meters", _("meters")
        READINGS = "readings", _("meter readings")
        MEMBERSHIP = "membership", _("membership")
        DOCUMENTS = "documents", _("personal documents")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        INTERRUPTED = "interrupted", _("interrupted")
        DRY_RUN = "dry_run", _("dry run")
        SKIPPED = "skipped", _("already imported")

    source = models.CharField(_("source system"), max_length=50, default="fk")
    kind = models.CharField(_("kind of data"), max_length=20, choices=Kind)
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    # With the source and the checksum, what makes two runs the same run (the
    # "already imported" identity): the kind of file (units and estates share
    # one ``kind``), the replaced range as asked, and the encoding as asked.
    file_kind = models.CharField(_("kind of file"), max_length=30, blank=True)
    replace_range = models.CharField(_("replaced range"), max_length=50, blank=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.PENDING
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows in file"), default=0)
    progress = models.PositiveIntegerField(_("rows processed"), default=0)
    inserted = models.PositiveIntegerField(_("inserted"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    removed = models.PositiveIntegerField(_("removed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    #: A dry run's preview, record by record (ledger.imports.changes).
    changes = models.JSONField(_("changes"), default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_imports",
    )
    task_id = models.CharField(_("task id"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ["-created_at"]
        get_latest_by = "finished_at"
        indexes = [
            models.Index(
                fields=["status", "finished_at"], name="ledger_import_status_done"
            ),
            models.Index(
                fields=["kind", "status", "finished_at"], name="ledger_import_kind_done"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checksum__regex=r"^[0-9a-f]{64}$"),
                name="ledger_import_checksum_sha256",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"
        )
