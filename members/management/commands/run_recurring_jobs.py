"""Run the recurring jobs that are due now, once (``members.jobs``).

The worker (``manage.py iok_worker``) does this every minute by itself; this
command is for a check by hand, or ``--force JOB`` to run one job now.
"""

from django.core.management.base import BaseCommand, CommandError

from members.jobs import JOBS, run_due
from members.models import RecurringJobRun


class Command(BaseCommand):
    help = "Run the recurring jobs that are due now (or --force one)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", choices=[job.name for job in JOBS], help="run this job now"
        )

    def handle(self, *args, force=None, **options):
        ran = run_due(force=force)
        for row in RecurringJobRun.objects.filter(job__in=ran):
            self.stdout.write(f"{row.job}: {'ok' if row.last_ok else 'FAILED'}")
        if not ran:
            self.stdout.write("No job is due.")
        if any(not row.last_ok for row in RecurringJobRun.objects.filter(job__in=ran)):
            raise CommandError("A recurring job failed; see the log.")
