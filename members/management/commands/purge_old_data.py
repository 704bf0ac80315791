"""Delete personal data the cooperative no longer keeps (members/retention.py)."""

from django.core.management.base import BaseCommand
from django.utils.timezone import localtime

from members.retention import PurgePlan, purge_old_data


class Command(BaseCommand):
    help = (
        "Delete what is older than the retention settings (docs/operations.md, "
        "RODO retention): audit events, login records, ledger entries (replaced "
        "by carried-forward balances), closed loans, meter readings, ended "
        "memberships, former residents' accounts and personal data, answered "
        "reports and handled contact requests with their attachments, uploaded "
        "import files, records of e-mails sent. All or nothing; files are "
        "deleted after the commit."
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
        d = result.deleted
        self.stdout.write(
            f"audit events before {localtime(plan.audit_before):%Y-%m-%d %H:%M}: "
            f"{verb} {d['audit events']}"
        )
        self.stdout.write(
            f"login records before {localtime(plan.login_before):%Y-%m-%d %H:%M}: "
            f"{verb} {d['login records']}"
        )
        self.stdout.write(
            f"ledger entries booked before {plan.ledger_before:%Y-%m-%d}: "
            f"{verb} {d['ledger entries']} "
            f"(and {d['ledger settlements']} settlements); "
            f"carried-forward balances for {result.carried_forward_units} units"
        )
        self.stdout.write(
            f"loans repaid with no entry since {plan.ledger_before:%Y-%m-%d}: "
            f"{verb} {d['closed loans']} (and {d['loan entries']} loan entries)"
        )
        self.stdout.write(
            f"meter readings before {plan.ledger_before:%Y-%m-%d}: "
            f"{verb} {d['meter readings']} (each meter's last accepted one kept)"
        )
        self.stdout.write(
            f"former residents (every right and membership ended before "
            f"{plan.former_before:%Y-%m-%d}): personal data "
            f"{'would be erased' if result.dry_run else 'erased'} for "
            f"{d['former residents erased']}; accounts: {verb} "
            f"{d['accounts of former residents']}, reports: {verb} "
            f"{d['reports of former residents']}, contact requests: {verb} "
            f"{d['contact requests of former residents']}"
        )
        self.stdout.write(
            f"memberships ended before {plan.former_before:%Y-%m-%d}: "
            f"{verb} {d['former memberships']}"
        )
        self.stdout.write(
            f"reports answered and contact requests handled before "
            f"{localtime(plan.requests_before):%Y-%m-%d %H:%M}: {verb} "
            f"{d['answered reports']} reports, "
            f"{d['handled contact requests']} contact requests"
        )
        self.stdout.write(
            f"uploaded import files before "
            f"{localtime(plan.import_files_before):%Y-%m-%d %H:%M}: "
            f"{verb} {d['import files']}"
        )
        self.stdout.write(
            f"e-mail records queued before "
            f"{localtime(plan.emails_before):%Y-%m-%d %H:%M}: "
            f"{verb} {d['e-mail records']} (and {d['reminder records']} "
            f"payment reminder records)"
        )
        self.stdout.write(
            f"files (attachments, import files): {verb} {len(result.files)}"
            + (" after the commit" if not result.dry_run else "")
        )
        if result.dry_run:
            self.stdout.write("dry run: nothing was changed")
