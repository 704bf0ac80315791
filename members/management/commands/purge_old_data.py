"""Delete personal data the cooperative no longer keeps (members/retention.py)."""

from django.core.management.base import BaseCommand
from django.utils.timezone import localtime

from members.retention import PurgePlan, purge_old_data


class Command(BaseCommand):
    help = (
        "Delete audit events, login records and ledger entries older than the "
        "retention settings (IOK_AUDIT_RETENTION_DAYS, IOK_LOGIN_LOG_RETENTION_DAYS, "
        "IOK_LEDGER_RETENTION_YEARS); old ledger entries are replaced by one "
        "carried-forward balance per unit. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="count what would be deleted, change nothing",
        )

    def handle(self, *args, **options):
        plan = PurgePlan.from_settings()
        result = purge_old_data(plan=plan, dry_run=options["dry_run"])
        verb = "would delete" if result.dry_run else "deleted"
        self.stdout.write(
            f"audit events before {localtime(plan.audit_before):%Y-%m-%d %H:%M}: "
            f"{verb} {result.deleted['audit events']}"
        )
        self.stdout.write(
            f"login records before {localtime(plan.login_before):%Y-%m-%d %H:%M}: "
            f"{verb} {result.deleted['login records']}"
        )
        self.stdout.write(
            f"ledger entries booked before {plan.ledger_before:%Y-%m-%d}: "
            f"{verb} {result.deleted['ledger entries']} "
            f"(and {result.deleted['ledger settlements']} settlements); "
            f"carried-forward balances for {result.carried_forward_units} units"
        )
        if result.dry_run:
            self.stdout.write("dry run: nothing was changed")
