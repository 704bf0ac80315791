"""What the two write paths (PostgreSQL COPY, batched ORM) share.

Both paths must report the same problems with the same words and count the same
inserted/updated/unchanged/removed rows; the messages live here so they cannot
drift apart. A writer is used like this, inside one transaction::

    writer.lock()
    with writer.staging() as put:
        for line, row in rows:
            put(line, row)
    if writer.checks_first or errors_so_far:
        writer.check()          # duplicate keys, unknown references, unique groups
    inserted, updated = writer.apply()   # may find them itself and log them
    removed = writer.remove(first_day, last_day)
    writer.post_check()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ledger.csv_writer import number_cell

from .parsing import Email, Key, Number, ProblemLog, Text
from .specs import FieldSpec, KindSpec, Ref, RowErrors

#: How many records a dry run's preview lists (all are counted).
CHANGES_CAP = 500


@dataclass
class WriteContext:
    spec: KindSpec
    present: tuple[FieldSpec, ...]
    source: str
    now: dt.datetime
    log: ProblemLog
    positions: dict[str, int]  # column name -> 0-based position in the header
    #: A dry run: list what would be added, changed and removed, record by record.
    preview: bool = False
    #: When the last successful import of this kind ended: rows the portal
    #: changed after it carry a staff decision that the file may undo.
    last_import_at: dt.datetime | None = None


class MergedRowErrors(RowErrors):
    """Row errors of a row as it will be after the merge: a column the file
    does not have is named with the value the portal keeps."""

    __slots__ = ("stored",)

    def __init__(self, log, positions, line, stored: dict[str, Any]):
        super().__init__(log, positions, line)
        self.stored = stored

    def __call__(self, column: str, message: str) -> None:
        if column not in self.positions:
            value = self.stored.get(column)
            message = _(
                "%(message)s (the file has no column %(column)s; the portal "
                "keeps %(value)s for this row)"
            ) % {
                "message": message,
                "column": column,
                "value": "-" if value is None else str(value),
            }
        super().__call__(column, message)


class Writer:
    """Base of the write paths: the problem messages, and the field bookkeeping."""

    #: Whether check() must run before apply(); a path whose apply() finds
    #: duplicate and unknown keys by itself sets it False.
    checks_first = True

    def __init__(self, ctx: WriteContext):
        self.ctx = ctx
        self.spec = ctx.spec
        self.log = ctx.log
        self.staged = 0
        present_names = {f.name for f in ctx.present}
        self.present_names = present_names
        # Fields written on update: the ones the file has, except the key and
        # references to the kind itself (resolved after all rows exist).
        self.update_fields = [
            f
            for f in ctx.present
            if f.name != self.spec.key
            and not (f.ref and f.ref.model is self.spec.model)
        ]
        self.self_refs = [f for f in self.spec.self_refs if f.name in present_names]
        self.scope_values: set[Any] = set()
        #: Rule columns the file leaves out: existing rows are checked merged.
        self.merge_fields = [
            name for name in self.spec.rule_columns if name not in present_names
        ]
        #: The dry run's preview (see record_change).
        self.changes: list[dict[str, Any]] = []
        self.formatters = {f.name: _formatter(self.spec, f) for f in self.spec.fields}

    # -- interface -----------------------------------------------------------------

    def lock(self) -> None:
        """Let only one import run at a time."""

    def staging(self) -> AbstractContextManager:  # pragma: no cover - abstract
        raise NotImplementedError

    def check(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def apply(self) -> tuple[int, int]:  # pragma: no cover - abstract
        raise NotImplementedError

    def remove(self, first: dt.date, last: dt.date) -> int:  # pragma: no cover
        raise NotImplementedError

    def absent(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def lines_of(self, keys: Sequence[str]) -> dict[str, int]:  # pragma: no cover
        raise NotImplementedError

    def precheck(self) -> None:
        """Checks a path runs on every file before apply() (see pg.py)."""

    # -- shared pieces ---------------------------------------------------------------

    def merged_values(self, row: tuple, stored: dict[str, Any]) -> tuple:
        """The row (fields in spec order) as it will be after the merge: the
        portal's value for each rule column the file leaves out."""
        return tuple(
            row[index] if field.name in self.present_names else stored.get(field.name)
            for index, field in enumerate(self.spec.fields)
        )

    def check_merged(self, line: int, row: tuple, stored: dict[str, Any]) -> bool:
        """The row rules (spec.prepare) on the merged row; False when broken."""
        errors = MergedRowErrors(self.log, self.ctx.positions, line, stored)
        return self.spec.prepare(self.merged_values(row, stored), errors) is not None

    def taken(self, line: int, group: Sequence[str], other: str) -> None:
        """A unique group that a row of the portal (not in the file) has."""
        self.log.error(
            line,
            self.position(group[0]),
            _(
                "%(columns)s: the same as %(key)s %(other)s, which the portal "
                "already has, but no two rows may share them"
            )
            % {"columns": ", ".join(group), "key": self.spec.key, "other": other},
            group[0],
        )

    def record_change(
        self,
        line: int,
        key: str,
        action: str,
        fields: Sequence[tuple[str, Any, Any]] = (),
        stored_at: dt.datetime | None = None,
    ) -> None:
        """One record of the dry run's preview: ``action`` is added, changed or
        removed; ``fields`` are (field, old, new) in the spec's order."""
        if len(self.changes) >= CHANGES_CAP:
            return
        last = self.ctx.last_import_at
        staff = (
            action == "changed"
            and stored_at is not None
            and last is not None
            and stored_at > last
        )
        self.changes.append(
            {
                "line": line,
                "key": key,
                "action": action,
                "fields": [
                    [name, self.show(name, old), self.show(name, new)]
                    for name, old, new in fields
                ],
                "staff_changed_at": stored_at.isoformat() if staff else None,
            }
        )

    def show(self, name: str, value: Any) -> str:
        if value is None:
            return ""
        formatter = self.formatters.get(name)
        return str(value) if formatter is None else formatter(value)

    def position(self, column: str) -> int | None:
        position = self.ctx.positions.get(column)
        return None if position is None else position + 1

    def duplicate(self, line: int, key: str, first_line: int) -> None:
        self.log.error(
            line,
            self.position(self.spec.key),
            _(
                "%(column)s: %(key)s appears more than once in the file "
                "(first on line %(first)d)"
            )
            % {"column": self.spec.key, "key": key, "first": first_line},
            self.spec.key,
        )

    def unknown(self, line: int, field: FieldSpec, value: str) -> None:
        ref: Ref = field.ref  # type: ignore[assignment]
        self.log.error(
            line,
            self.position(field.name),
            _(
                "%(column)s: there is no %(model)s with %(key)s %(value)s "
                "(import %(kind)s first)"
            )
            % {
                "column": field.name,
                "model": ref.model._meta.verbose_name,
                "key": ref.key,
                "value": value,
                "kind": ref.kind,
            },
            field.name,
        )

    def not_unique(self, line: int, group: Sequence[str], first_line: int) -> None:
        self.log.error(
            line,
            self.position(group[0]),
            _(
                "%(columns)s: the same as on line %(first)d, but no two rows "
                "may share them"
            )
            % {"columns": ", ".join(group), "first": first_line},
            group[0],
        )

    def post_check(self) -> None:
        """Rules across rows (overlapping schedules), checked after writing."""
        from django.db import connection

        problems = []
        for check in self.spec.post_checks:
            sql, params = check(self.spec)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                pairs = cursor.fetchall()
            if not pairs:
                continue
            lines = self.lines_of(sorted({key for pair in pairs for key in pair}))
            for key, other in pairs:
                if key not in lines:
                    key, other = other, key
                if key in lines:
                    problems.append((lines[key], key, other))
        for line, _key, other in sorted(problems):
            self.log.error(
                line,
                self.position(self.spec.key),
                _(
                    "%(column)s: its validity overlaps %(other)s for the same unit "
                    "and component"
                )
                % {"column": self.spec.key, "other": other},
                self.spec.key,
            )

    def groups(self) -> Iterator[tuple[str, ...]]:
        """unique_together groups whose columns are all in the file."""
        for group in self.spec.unique_together:
            if all(name in self.present_names for name in group):
                yield group


def _formatter(spec: KindSpec, field: FieldSpec):
    """How a preview shows a field's value: as the export writes it, but text
    as it is (no formula escaping on a screen)."""
    if field.columns:  # the ledger's amount, from debit and credit
        vtype = spec.column(field.columns[0]).type
    elif field.name in spec.column_names:
        vtype = spec.column(field.name).type
    else:
        return None
    if isinstance(vtype, Text | Key | Email):
        return None
    if isinstance(vtype, Number):
        # Every decimal place the column keeps, whichever path parsed it.
        quantum = Decimal(1).scaleb(-vtype.decimal_places)
        return lambda value: number_cell(Decimal(value).quantize(quantum))
    return vtype.format
