"""Build the demo cooperative: pages, estates, units, ledgers, accounts.

Idempotent: running it again leaves one copy of everything. The site's
structure is the one ``setup_site`` builds (``cms.site.build_site``, here with
the demo's texts), and the zones of the member area are set up the same way.

Lives in ``members``, the top layer: it orchestrates the demos of ``cms``,
``ledger`` and ``members``, which import one another only downwards.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from cms import demo as cms_demo
from ledger import demo as ledger_demo
from members import demo as members_demo
from members import demo_repairs
from members.area.zones import zones_ensure


class Command(BaseCommand):
    help = "Create (or refresh) the demo cooperative and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=60, help="number of units")
        parser.add_argument("--years", type=int, default=10, help="years of ledger")

    def handle(self, *args, units: int, years: int, **options):
        with transaction.atomic():
            cms_demo.seed(stdout=self.stdout)
        ledger_demo.seed(units=units, years=years, stdout=self.stdout)
        ledger_demo.seed_documents(stdout=self.stdout)
        with transaction.atomic():
            cms_demo.seed_community_notices(stdout=self.stdout)
        with transaction.atomic():
            members_demo.seed(stdout=self.stdout)
            members_demo.seed_votes(stdout=self.stdout)
            zones_ensure()
        demo_repairs.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
