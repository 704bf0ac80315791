"""Build the real site on a freshly migrated database, idempotently:

    manage.py migrate && manage.py setup_site

Home page, notices index, housing communities' notices, the rules of IOK
(resolution 733/2012), the RODO clause and contact page to fill in, the
board's workflow on the rules and the clause, editors' publishing rights on
the notices, the site settings' links, and the zones of the member area
(``cms.site.build_site``, ``members.area.zones.zones_ensure``). Groups and the
workflow come from the migrations and are checked. A second run changes
nothing. It prints what staff must complete in the admin. ``seed_demo`` builds
on the same builder with the demo's texts.

Lives in ``members`` (the top layer) because it also sets up the zones.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from cms.site import build_site
from members.area.zones import zones_ensure


class Command(BaseCommand):
    help = "Build the site's structure (pages, settings, zones) on an empty database."

    def handle(self, *args, **options):
        with transaction.atomic():
            report = build_site(stdout=self.stdout)
            made = zones_ensure()
        self.stdout.write(
            f"Site ready: home {report.home.url_path}, rules "
            f"Nr {report.rules.resolution_number}, RODO clause, contact, notices."
        )
        if made:
            self.stdout.write(f"Zones of the member area: {made} set up (all on).")
        if report.to_complete:
            self.stdout.write("To complete in the admin (/admin/):")
            for item in report.to_complete:
                self.stdout.write(f"  - {item}")
        self.stdout.write(self.style.SUCCESS("setup_site: done."))
