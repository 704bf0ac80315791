"""The outbox and the residents' notification choices (issue 18).

* ``OutgoingEmail``: every e-mail the portal sends, recorded by
  ``members.outbox.queue_email()`` and sent by the task worker. The body is
  kept only until the message is sent; the record (what, to whom, when, the
  result) stays until the nightly retention job deletes it.
* ``NotificationPreference``: a resident's choice for one topic of
  ``members.notifications.TOPICS`` (no row: the topic's default).
* ``NotificationSent``: one row per thing notified (a publication, a vote, a
  reminder period), so nothing is notified twice.

Re-exported by ``members.models``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["NotificationPreference", "NotificationSent", "OutgoingEmail"]


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        BOUNCED = "bounced", _("bounced")

    topic = models.CharField(_("topic"), max_length=40, blank=True, db_index=True)
    to = models.CharField(_("recipient"), max_length=254, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_emails",
    )
    subject = models.CharField(_("subject"), max_length=300)
    # The message itself, cleared once it is sent (RODO: kept only as long as
    # needed to deliver it).
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    # A failed or bounced message leaves the office's to-do list once a member
    # of staff has dealt with it (retried it, or corrected the address).
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"], name="members_email_due_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    topic = models.CharField(_("topic"), max_length=40)
    enabled = models.BooleanField(_("e-mail me"))
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("notification choice")
        verbose_name_plural = _("notification choices")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"], name="members_notification_pref_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic}: {self.enabled}"


class NotificationSent(models.Model):
    topic = models.CharField(_("topic"), max_length=40)
    key = models.CharField(_("what was notified"), max_length=120)
    created_at = models.DateTimeField(_("notified at"), default=timezone.now)
    recipients_count = models.PositiveIntegerField(_("number of recipients"), default=0)

    class Meta:
        verbose_name = _("notification sent")
        verbose_name_plural = _("notifications sent")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "key"], name="members_notification_sent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.key}"
