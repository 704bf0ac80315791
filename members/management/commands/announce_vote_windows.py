"""Announce the votes whose window has opened or closed (``vote_opened`` /
``vote_closed``), once each. Run every minute by the worker (members.jobs)."""

from django.core.management.base import BaseCommand

from members.area.votes import vote_windows_notice


class Command(BaseCommand):
    help = "Announce votes on resolutions whose voting window opened or closed."

    def handle(self, *args, **options):
        opened, closed = vote_windows_notice()
        self.stdout.write(f"votes opened: {opened}, closed: {closed}")
