"""Send the e-mails waiting in the outbox (``members.outbox``), now.

The worker does this by itself (a task for each new message, and the
recurring job ``send_outbox`` every minute for retries); this command is that
job, and a way to flush the outbox by hand.
"""

from django.core.management.base import BaseCommand

from members.models import OutgoingEmail
from members.outbox import outbox_send_due


class Command(BaseCommand):
    help = "Send the queued e-mails that are due (batches, retries with backoff)."

    def handle(self, *args, **options):
        handled = outbox_send_due()
        waiting = OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.QUEUED
        ).count()
        self.stdout.write(f"handled {handled} e-mails; {waiting} still queued")
