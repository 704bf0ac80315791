"""Import one file from the accounting system (docs/import-formats.md).

Exit codes: 0 the file was imported (or was already imported, or the dry run
passed); 1 the file has errors and nothing was changed; 2 the command was called
wrongly (unknown kind, missing file, bad option).
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ledger.imports.parsing import UnknownEncoding, normalise_encoding
from ledger.imports.services import Period, data_import_run
from ledger.imports.specs import KINDS

USAGE = 2
REJECTED = 1


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file of KIND (documents: a ZIP or a folder with "
        "manifest.csv) from the accounting system, all or nothing. Prints every "
        "error as file:line:column: message and a summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="what the file holds")
        parser.add_argument(
            "file",
            help="CSV (; or ,) or XLSX file; for documents a ZIP or a folder "
            "with manifest.csv",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check and count everything, then roll back",
        )
        parser.add_argument(
            "--source", default="fk", help="source system name (default: fk)"
        )
        parser.add_argument(
            "--replace-period",
            metavar="RANGE",
            help="the file is a full export of RANGE (2026-01..2026-11, or 'auto' "
            "for the file's own first..last period): rows of the same units and "
            "range that are not in the file are removed",
        )
        parser.add_argument(
            "--encoding", help="utf-8 or cp1250 (default: detected from the file)"
        )
        parser.add_argument(
            "--user", help="username recorded as the one who ran the import"
        )
        parser.add_argument(
            "--engine",
            choices=["copy", "batched"],
            help="write path (default: copy on PostgreSQL, batched elsewhere)",
        )
        parser.add_argument("--max-errors", type=int, default=200)

    def handle(self, *args, **options):
        path = Path(options["file"])
        batch = KINDS[options["kind"]].bundle and path.is_dir()
        if not (path.is_file() or batch):
            raise CommandError(
                _("%(path)s: no such file") % {"path": path}, returncode=USAGE
            )
        if options["encoding"]:
            try:
                normalise_encoding(options["encoding"])
            except UnknownEncoding as exc:
                raise CommandError(f"--encoding: {exc}", returncode=USAGE) from None
        replace = None
        if options["replace_period"]:
            try:
                replace = Period.parse(options["replace_period"])
            except ValueError as exc:
                raise CommandError(
                    f"--replace-period: {exc}", returncode=USAGE
                ) from None
            if KINDS[options["kind"]].replace is None:
                raise CommandError(
                    "--replace-period: "
                    + _("%(kind)s files do not replace a period")
                    % {"kind": options["kind"]},
                    returncode=USAGE,
                )
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(
                    "--user: " + _("no user %(name)r") % {"name": options["user"]},
                    returncode=USAGE,
                )

        result = data_import_run(
            kind=options["kind"],
            path=path,
            source=options["source"],
            dry_run=options["dry_run"],
            replace=replace,
            user=user,
            encoding=options["encoding"],
            engine=options["engine"],
            progress=self._progress_printer(),
            error_cap=options["max_errors"],
        )
        self._end_progress()
        for problem in result.errors:
            self.stderr.write(str(problem))
        if result.error_count > len(result.errors):
            more = result.error_count - len(result.errors)
            self.stderr.write(
                f"{result.file_name}: "
                + _("… and %(count)d more errors") % {"count": more}
            )
        for problem in result.warnings:
            self.stderr.write(
                _("warning: %(problem)s") % {"problem": problem},
                style_func=self.style.WARNING,
            )
        if not result.ok:
            raise CommandError(
                _(
                    "import rejected: %(count)d errors in %(file)s; nothing was "
                    "changed (import #%(id)s)"
                )
                % {
                    "count": result.error_count,
                    "file": result.file_name,
                    "id": result.data_import_id,
                },
                returncode=REJECTED,
            )
        if result.already_imported is not None:
            self.stdout.write(_("already imported: nothing to do"))
        elif result.dry_run:
            for change in result.changes:
                self.stdout.write(self._change_line(result.file_name, change))
            self.stdout.write(_("dry run: every change above was rolled back"))
        if result.replace is not None and not result.already_imported:
            self.stdout.write(
                _("replaced period: %(range)s") % {"range": result.replace}
            )
        self.stdout.write(
            _("%(kind)s %(file)s: %(rows)d rows, import #%(id)s")
            % {
                "kind": result.kind,
                "file": result.file_name,
                "rows": result.rows,
                "id": result.data_import_id or "-",
            }
        )
        self.stdout.write(result.summary)

    @staticmethod
    def _change_line(file_name: str, change: dict) -> str:
        """One record of a dry run: ``file:line: key: changed: field: a -> b``."""
        where = f"{file_name}:{change['line']}" if change["line"] else file_name
        action = {
            "added": _("added"),
            "changed": _("changed"),
            "removed": _("removed"),
        }[change["action"]]
        text = f"{where}: {change['key']}: {action}"
        if change["fields"]:
            text += ": " + "; ".join(
                f"{name}: {old or '-'} -> {new or '-'}"
                for name, old, new in change["fields"]
            )
        if change["staff_changed_at"]:
            text += " " + _("(changed in the portal after the last import)")
        return text

    # A line that rewrites itself on a terminal; nothing when output is a file.
    def _progress_printer(self):
        self._progress_shown = False
        if not sys.stderr.isatty():
            return None

        def show(rows: int, bytes_read: int, total_bytes: int) -> None:
            share = f" ({100 * bytes_read // total_bytes} %)" if total_bytes else ""
            sys.stderr.write(f"\r{rows:>12,} rows{share}".replace(",", " "))
            sys.stderr.flush()
            self._progress_shown = True

        return show

    def _end_progress(self) -> None:
        if self._progress_shown:
            sys.stderr.write("\n")
