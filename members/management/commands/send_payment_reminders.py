"""E-mail the payment reminders due today (``members.notifications``): to the
residents who chose them, for each unit with something to pay by a due date
within ``IOK_PAYMENT_REMINDER_DAYS`` days, once per unit and month. Run every
morning by the worker's schedule (``members.jobs``)."""

from django.core.management.base import BaseCommand

from members.notifications import payment_reminders_send


class Command(BaseCommand):
    help = "Queue today's payment reminders (once per unit, resident and month)."

    def handle(self, *args, **options):
        count = payment_reminders_send()
        self.stdout.write(f"payment reminders queued: {count}")
