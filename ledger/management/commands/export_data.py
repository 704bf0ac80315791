"""Export one kind of data in its import format (docs/import-formats.md), so that
import → export → import round-trips."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ledger.imports.exporting import data_export
from ledger.imports.services import Period
from ledger.imports.specs import KINDS


class Command(BaseCommand):
    help = "Write KIND as a UTF-8 CSV file with ; and a decimal comma."

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", choices=sorted(k for k, spec in KINDS.items() if not spec.bundle)
        )
        parser.add_argument("--output", "-o", help="file to write (default: stdout)")
        parser.add_argument("--source", default="fk", help="ledger source system")
        parser.add_argument(
            "--period", metavar="RANGE", help="only this range, e.g. 2026-01..2026-11"
        )
        parser.add_argument(
            "--bom", action="store_true", help="start with a UTF-8 BOM (for Excel)"
        )

    def handle(self, *args, kind, output, source, period, bom, **options):
        range_ = None
        if period:
            try:
                range_ = Period.parse(period)
            except ValueError as exc:
                raise CommandError(f"--period: {exc}", returncode=2) from None
            if KINDS[kind].replace is None:
                raise CommandError(
                    "--period: "
                    + _("%(kind)s files do not replace a period") % {"kind": kind},
                    returncode=2,
                )
        encoding = "utf-8-sig" if bom else "utf-8"
        if output:
            with Path(output).open("w", encoding=encoding, newline="") as stream:
                count = data_export(
                    kind=kind, stream=stream, source=source, period=range_
                )
            self.stderr.write(
                _("%(count)d rows written to %(file)s")
                % {"count": count, "file": output}
            )
        else:
            stream = self.stdout._out if hasattr(self.stdout, "_out") else sys.stdout
            if bom:
                stream.write("\ufeff")
            data_export(kind=kind, stream=stream, source=source, period=range_)
