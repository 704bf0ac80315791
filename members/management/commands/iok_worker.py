"""The task worker of IOK, the one command that runs it everywhere: ``make
serve``, the ``iok-worker`` systemd unit (docs/deployment.md) and the test
that checks an admin import is run by it (tests/production/test_worker.py).

It runs the queued background tasks (imports started in the admin, e-mails,
search index updates: django-tasks' ``db_worker`` on every queue) and, in a
second thread, the recurring jobs when due (``members.jobs``: scheduled
publishing every minute, RODO retention every night).
"""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from members.jobs import schedule_loop


class Command(BaseCommand):
    help = (
        "Run background tasks and the recurring jobs (scheduled publishing, retention)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help="run queued tasks only, not the recurring jobs",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="run the tasks waiting now, then exit",
        )

    def handle(self, *args, no_schedule: bool, batch: bool, **options):
        stop = threading.Event()
        if not no_schedule:
            threading.Thread(
                target=schedule_loop, args=(stop,), name="iok-schedule", daemon=True
            ).start()
        try:
            call_command(
                "db_worker",
                queue_name="*",
                batch=batch,
                verbosity=options["verbosity"],
            )
        finally:
            stop.set()
