# ruff: noqa: S608  (SQL is built from model metadata; values are parameters)
"""The PostgreSQL path: COPY into a temporary staging table, then set-based SQL.

Rows stream from the file reader straight into ``COPY ... FROM STDIN`` (psycopg 3),
so neither Python nor the database holds the file twice. Every check after that
is one query over the staging table: duplicate keys, unknown references, unique
groups. Then one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE ... IS DISTINCT
FROM`` writes only the rows that differ and tells, through ``xmax = 0``, which
ones were inserted. The whole run is one transaction holding an advisory lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from django.db import DatabaseError, connection, models, transaction

from .bulk import copy_in
from .specs import FieldSpec
from .writers import CHANGES_CAP, Writer

STAGE = "ledger_import_stage"
DOOMED = "ledger_import_doomed"
# pg_advisory_xact_lock key shared by every import ("ledger" in ASCII, shortened).
LOCK_KEY = 0x6C6564676572


# Django field types that are not text in the staging table, as psycopg names them.
COPY_TYPES = {
    "DateField": "date",
    "DecimalField": "numeric",
    "SmallIntegerField": "int2",
    "PositiveSmallIntegerField": "int2",
    "IntegerField": "int4",
    "PositiveIntegerField": "int4",
    "BigIntegerField": "int8",
    "BooleanField": "bool",
}


def q(name: str) -> str:
    return connection.ops.quote_name(name)


class CopyWriter(Writer):
    """Writes one import through a staging table; see the module docstring."""

    def __init__(self, ctx):
        super().__init__(ctx)
        spec = self.spec
        self.model = spec.model
        self.table = q(spec.model._meta.db_table)
        self.stage_fields = [f for f in spec.fields if f.name in self.present_names]
        indexes = [spec.field_names.index(f.name) for f in self.stage_fields]
        self.pick = itemgetter(*indexes) if len(indexes) > 1 else None
        self.indexes = indexes
        self.key = q(spec.key)
        self.key_column = q(self.field(spec.key).column)

    def field(self, name: str) -> models.Field:
        return self.model._meta.get_field(name)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.description is not None:
                return cursor.fetchall()
            return cursor.rowcount

    # -- staging -------------------------------------------------------------------

    def lock(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        # Hash joins over a million staged rows want more than the default 4 MB.
        self.execute("SET LOCAL work_mem = '64MB'")

    def stage_type(self, field: FieldSpec) -> str:
        if field.ref or field.name == self.spec.key:
            return "text"
        return self.field(field.name).db_type(connection)

    def copy_type(self, field: FieldSpec) -> str:
        """The type psycopg dumps the column as, in COPY's binary format."""
        if field.ref or field.name == self.spec.key:
            return "text"
        internal = self.field(field.name).get_internal_type()
        return COPY_TYPES.get(internal, "text")

    @contextmanager
    def staging(self) -> Iterator[Any]:
        columns = ", ".join(
            f"{q(f.name)} {self.stage_type(f)}" for f in self.stage_fields
        )
        self.execute(f"DROP TABLE IF EXISTS {STAGE}")
        self.execute(
            f"CREATE TEMP TABLE {STAGE} (line integer NOT NULL, {columns}) "
            "ON COMMIT DROP"
        )
        # Binary COPY with declared types (through the one bulk writer's
        # copy_in): cheaper to write for psycopg and to read for the server than
        # dates and numbers spelled out as text.
        with copy_in(
            STAGE,
            ["line", *(f.name for f in self.stage_fields)],
            ["int4", *(self.copy_type(f) for f in self.stage_fields)],
        ) as write_row:
            pick = self.pick
            if pick is None:
                index = self.indexes[0]

                def put(line: int, row: tuple) -> None:
                    write_row((line, row[index]))

            else:

                def put(line: int, row: tuple) -> None:
                    write_row((line, *pick(row)))

            yield put
        # No ANALYZE: hash joins are chosen anyway, and it would cost a scan.

    # -- checks --------------------------------------------------------------------

    def precheck(self) -> None:
        """What every file is checked for before writing, because the upsert
        would not notice it: a key repeated in the file (when its first
        occurrence equals the stored row, ON CONFLICT changes the row only
        once and raises nothing), and the row rules on existing rows when the
        file leaves a rule column out. Then, for a dry run, the preview."""
        self._check_duplicates()
        self._check_merged()
        if self.ctx.preview and self.log.ok:
            self._preview()

    def check(self) -> None:
        self._check_duplicates()
        self._check_references()
        self._check_groups()
        self._check_merged()

    def _check_duplicates(self) -> None:
        if getattr(self, "_duplicates_checked", False):
            return
        self._duplicates_checked = True
        cap = self.log.cap
        key = self.key
        rows = self.execute(
            f"""
            WITH dup AS (
                SELECT {key} FROM {STAGE} GROUP BY {key} HAVING count(*) > 1
            ), occurrences AS (
                SELECT s.line, s.{key} AS k,
                       min(s.line) OVER (PARTITION BY s.{key}) AS first
                FROM {STAGE} s JOIN dup USING ({key})
            )
            SELECT line, k, first, count(*) OVER () FROM occurrences
            WHERE line <> first ORDER BY line LIMIT %s
            """,
            [cap],
        )
        self._report(rows, lambda r: self.duplicate(r[0], r[1], r[2]))

    def _check_references(self) -> None:
        cap = self.log.cap
        key = self.key
        for field in self.stage_fields:
            if field.ref is None:
                continue
            ref = field.ref
            ref_table = q(ref.table)
            ref_key = q(ref.model._meta.get_field(ref.key).column)
            column = q(field.name)
            in_file = ""
            if ref.model is self.model:
                # A meter may replace a meter that comes later in the same file.
                in_file = (
                    f"AND NOT EXISTS (SELECT 1 FROM {STAGE} o "
                    f"WHERE o.{key} = s.{column})"
                )
            rows = self.execute(
                f"""
                SELECT s.line, s.{column}, count(*) OVER () FROM {STAGE} s
                WHERE s.{column} IS NOT NULL
                  AND NOT EXISTS (
                      SELECT 1 FROM {ref_table} r WHERE r.{ref_key} = s.{column})
                  {in_file}
                ORDER BY s.line LIMIT %s
                """,
                [cap],
            )
            self._report(rows, lambda r, f=field: self.unknown(r[0], f, r[1]))

    def _check_groups(self) -> None:
        cap = self.log.cap
        for group in self.groups():
            columns = ", ".join(q(name) for name in group)
            not_null = " AND ".join(f"{q(name)} IS NOT NULL" for name in group)
            rows = self.execute(
                f"""
                SELECT line, first, count(*) OVER () FROM (
                    SELECT line, min(line) OVER (PARTITION BY {columns}) AS first
                    FROM {STAGE} WHERE {not_null}
                ) g WHERE line <> first ORDER BY line LIMIT %s
                """,
                [cap],
            )
            self._report(rows, lambda r, g=group: self.not_unique(r[0], g, r[1]))
            self._check_group_stored(group)

    def _check_group_stored(self, group: Sequence[str]) -> None:
        """Rows of the file whose unique group a stored row (not in the file,
        so keeping its values) already has."""
        joins, conditions = [], []
        for number, name in enumerate(group):
            field = self.spec.fields[self.spec.field_names.index(name)]
            column = q(self.field(name).column)
            if field.ref is None:
                conditions.append(f"t.{column} = s.{q(name)}")
                continue
            alias = f"g{number}"
            ref_key = q(field.ref.model._meta.get_field(field.ref.key).column)
            joins.append(
                f"JOIN {q(field.ref.table)} {alias} ON {alias}.{ref_key} = s.{q(name)}"
            )
            conditions.append(f"t.{column} = {alias}.id")
        rows = self.execute(
            f"""
            SELECT s.line, t.{self.key_column}, count(*) OVER () FROM {STAGE} s
            {" ".join(joins)}
            JOIN {self.table} t ON {" AND ".join(conditions)}
            WHERE t.{self.key_column} <> s.{self.key}
              AND NOT EXISTS (
                  SELECT 1 FROM {STAGE} o WHERE o.{self.key} = t.{self.key_column})
            ORDER BY s.line, t.{self.key_column} COLLATE "C" LIMIT %s
            """,
            [self.log.cap],
        )
        self._report(rows, lambda r, g=group: self.taken(r[0], g, r[1]))

    def _stored_join(self) -> tuple[str, list[Any]]:
        """JOIN of the staged rows to the stored rows with the same key."""
        condition = f"t.{self.key_column} = s.{self.key}"
        params: list[Any] = []
        if self.spec.source_scoped:
            condition += f" AND t.{q('source')} = %s"
            params.append(self.ctx.source)
        return f"JOIN {self.table} t ON {condition}", params

    def _check_merged(self) -> None:
        """The row rules on each existing row as it will be after the merge."""
        if not self.merge_fields or getattr(self, "_merged_checked", False):
            return
        self._merged_checked = True
        select = []
        for field in self.spec.fields:
            if field.name in self.present_names:
                select.append(f"s.{q(field.name)}")
            elif field.ref is None:
                select.append(f"t.{q(self.field(field.name).column)}")
            else:
                select.append("NULL")
        join, params = self._stored_join()
        names = [f.name for f in self.spec.fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.line, {', '.join(select)} FROM {STAGE} s {join} "
                "ORDER BY s.line",
                params,
            )
            while batch := cursor.fetchmany(2000):
                for line, *row in batch:
                    stored = {
                        name: value
                        for name, value in zip(names, row, strict=True)
                        if name not in self.present_names
                    }
                    self.check_merged(line, tuple(row), stored)

    def _preview(self) -> None:
        """The dry run's records: new keys, and existing rows with the fields
        the file would change (old and new), in file order."""
        staged, stored, names, joins = [], [], [], []
        params: list[Any] = []
        for number, field in enumerate(self.spec.fields):
            if field.name == self.spec.key or field.name not in self.present_names:
                continue
            column = q(self.field(field.name).column)
            names.append(field.name)
            staged.append(f"s.{q(field.name)}")
            if field.ref is None:
                stored.append(f"t.{column}")
            else:
                alias = f"p{number}"
                ref_key = q(field.ref.model._meta.get_field(field.ref.key).column)
                joins.append(
                    f"LEFT JOIN {q(field.ref.table)} {alias} ON {alias}.id = t.{column}"
                )
                stored.append(f"{alias}.{ref_key}")
        for name, value in self.spec.fixed.items():
            names.append(name)
            staged.append("%s")
            params.append(value)
            stored.append(f"t.{q(self.field(name).column)}")
        join, join_params = self._stored_join()
        distinct = (
            f"ROW({', '.join(staged)}) IS DISTINCT FROM ROW({', '.join(stored)})"
            if names
            else "FALSE"
        )
        columns = ", ".join([*staged, *stored]) or "NULL"
        rows = self.execute(
            f"""
            SELECT s.line, s.{self.key}, t.id IS NULL, t.updated_at, {columns}
            FROM {STAGE} s LEFT {join} {" ".join(joins)}
            WHERE t.id IS NULL OR {distinct}
            ORDER BY s.line LIMIT %s
            """,
            [*params, *join_params, *(params if names else []), CHANGES_CAP],
        )
        width = len(names)
        for line, key, is_new, updated_at, *values in rows:
            if is_new:
                self.record_change(line, key, "added")
                continue
            new, old = values[:width], values[width:]
            fields = [
                (name, before, after)
                for name, before, after in zip(names, old, new, strict=True)
                if before != after
            ]
            self.record_change(line, key, "changed", fields, updated_at)

    def _report(self, rows, report) -> None:
        if not rows:
            return
        before = len(self.log.errors)
        for row in rows:
            report(row)
        # count(*) OVER () saw every offending row; the log saw only the listed.
        self.log.error_count += rows[0][-1] - (len(self.log.errors) - before)

    # -- writing -------------------------------------------------------------------

    @property
    def checks_first(self) -> bool:
        # Meters refer to meters: the second pass would quietly skip an unknown
        # one, so they are checked before writing (meter files are small).
        return bool(self.self_refs)

    def apply(self) -> tuple[int, int]:
        """Write the staged rows. The upsert itself notices a key repeated in the
        file (PostgreSQL refuses to change a row twice) and a reference to nothing
        (see _resolved), so a clean file pays for no separate check; when the
        upsert fails, the detailed checks find and report every culprit."""
        try:
            with transaction.atomic():
                return self._upsert()
        except DatabaseError:
            errors_before = self.log.error_count
            self.check()
            if self.log.error_count == errors_before:
                raise  # not the file's fault: the caller reports the database error
            return 0, 0

    def _resolved(self, alias: str, column: str) -> str:
        """The referenced row's id, or an error naming the unknown key (a cast
        that fails only for such rows, so the planner cannot fold it away)."""
        return (
            f"CASE WHEN s.{column} IS NOT NULL AND {alias}.id IS NULL "
            f"THEN ('unknown key ' || s.{column})::bigint ELSE {alias}.id END"
        )

    def _upsert(self) -> tuple[int, int]:
        spec = self.spec
        insert_columns: list[str] = []
        select: list[str] = []
        params: list[Any] = []
        joins: list[str] = []
        for number, field in enumerate(spec.fields):
            model_field = self.field(field.name)
            column = q(model_field.column)
            if field.name in self.present_names:
                if field.ref is not None and field.ref.model is self.model:
                    continue  # set by _apply_self_refs once every row exists
                if field.ref is not None:
                    alias = f"r{number}"
                    ref_key = q(field.ref.model._meta.get_field(field.ref.key).column)
                    joins.append(
                        f"LEFT JOIN {q(field.ref.table)} {alias} "
                        f"ON {alias}.{ref_key} = s.{q(field.name)}"
                    )
                    select.append(self._resolved(alias, q(field.name)))
                else:
                    select.append(f"s.{q(field.name)}")
                insert_columns.append(column)
            else:
                empty = spec.column(field.sources[0]).empty
                if empty is None and model_field.null:
                    continue
                select.append("%s")
                params.append(empty)
                insert_columns.append(column)
        fixed = dict(spec.fixed)
        if spec.source_scoped:
            fixed["source"] = self.ctx.source
        for name, value in fixed.items():
            insert_columns.append(q(self.field(name).column))
            select.append("%s")
            params.append(value)
        # Fields no file sets (a reading's review note): what Django would store.
        handled = {*spec.field_names, *fixed, "created_at", "updated_at"}
        for model_field in self.model._meta.concrete_fields:
            if model_field.primary_key or model_field.name in handled:
                continue
            if model_field.null and not model_field.has_default():
                continue
            insert_columns.append(q(model_field.column))
            select.append("%s")
            params.append(model_field.get_default())
        for name in ("created_at", "updated_at"):
            insert_columns.append(q(name))
            select.append("%s")
            params.append(self.ctx.now)

        compared = [q(self.field(f.name).column) for f in self.update_fields]
        compared += [q(self.field(name).column) for name in fixed]
        conflict = [self.key_column]
        if spec.source_scoped:
            conflict.insert(0, q("source"))
            compared.remove(q("source"))
        assignments = ", ".join(
            f"{c} = EXCLUDED.{c}" for c in [*compared, q("updated_at")]
        )
        distinct = (
            f"ROW({', '.join('t.' + c for c in compared)}) IS DISTINCT FROM "
            f"ROW({', '.join('EXCLUDED.' + c for c in compared)})"
        )
        returning = "(t.xmax = 0) AS inserted"
        if self.self_refs:
            returning += f", t.{self.key_column} AS k"
        sql = f"""
            INSERT INTO {self.table} AS t ({", ".join(insert_columns)})
            SELECT {", ".join(select)} FROM {STAGE} s {" ".join(joins)}
            ON CONFLICT ({", ".join(conflict)}) DO UPDATE SET {assignments}
            WHERE {distinct}
            RETURNING {returning}
        """
        if not self.self_refs:
            inserted, updated = self.execute(
                f"WITH up AS ({sql}) SELECT count(*) FILTER (WHERE inserted), "
                "count(*) FILTER (WHERE NOT inserted) FROM up",
                params,
            )[0]
            return inserted, updated
        rows = self.execute(sql, params)
        inserted_keys = {k for was_inserted, k in rows if was_inserted}
        updated_keys = {k for was_inserted, k in rows if not was_inserted}
        updated_keys |= self._apply_self_refs() - inserted_keys
        return len(inserted_keys), len(updated_keys)

    def _apply_self_refs(self) -> set[str]:
        changed: set[str] = set()
        for field in self.self_refs:
            column = q(self.field(field.name).column)
            rows = self.execute(
                f"""
                UPDATE {self.table} t SET {column} = r.id, updated_at = %s
                FROM {STAGE} s
                LEFT JOIN {self.table} r ON r.{self.key_column} = s.{q(field.name)}
                WHERE t.{self.key_column} = s.{self.key}
                  AND t.{column} IS DISTINCT FROM r.id
                RETURNING t.{self.key_column}
                """,
                [self.ctx.now],
            )
            changed |= {k for (k,) in rows}
        return changed

    def _owned_base(self, *extra: str) -> tuple[str, list[Any]]:
        """SQL for the model's rows that imports own (and, for the ledger, that
        came from this source), with the columns asked for."""
        queryset = self.model._base_manager.filter(**self.spec.owned)
        if self.spec.source_scoped:
            queryset = queryset.filter(source=self.ctx.source)
        return queryset.values("id", self.spec.key, *extra).query.sql_with_params()

    def remove(self, first: dt.date, last: dt.date) -> int:
        replace = self.spec.replace
        assert replace is not None  # noqa: S101 - the caller checks
        scope = self.spec.fields[self.spec.field_names.index(replace.scope)]
        scope_ref = scope.ref
        scope_column = self.field(replace.scope).column
        date_column = self.field(replace.date).column
        base, params = self._owned_base(scope_column, date_column)
        scope_key = q(scope_ref.model._meta.get_field(scope_ref.key).column)
        self.execute(f"DROP TABLE IF EXISTS {DOOMED}")
        self.execute(
            f"""
            CREATE TEMP TABLE {DOOMED} ON COMMIT DROP AS
            SELECT b.id FROM ({base}) b
            WHERE b.{q(date_column)} BETWEEN %s AND %s
              AND b.{q(scope_column)} IN (
                  SELECT r.id FROM {q(scope_ref.table)} r
                  WHERE r.{scope_key} IN (SELECT s.{q(scope.name)} FROM {STAGE} s))
              AND NOT EXISTS (
                  SELECT 1 FROM {STAGE} s WHERE s.{self.key} = b.{self.key_column})
            """,
            [*params, first, last],
        )
        # Rows that point at the removed ones go the way Django would take them.
        for relation in self.model._meta.related_objects:
            child = q(relation.related_model._meta.db_table)
            fk = q(relation.field.column)
            on_delete = relation.on_delete
            if on_delete is models.CASCADE:
                self.execute(
                    f"DELETE FROM {child} WHERE {fk} IN (SELECT id FROM {DOOMED})"
                )
            elif on_delete is models.SET_NULL:
                self.execute(
                    f"UPDATE {child} SET {fk} = NULL "
                    f"WHERE {fk} IN (SELECT id FROM {DOOMED})"
                )
        if self.ctx.preview:
            for (key,) in self.execute(
                f"SELECT t.{self.key_column} FROM {self.table} t "
                f"WHERE t.id IN (SELECT id FROM {DOOMED}) "
                f'ORDER BY t.{self.key_column} COLLATE "C" LIMIT %s',
                [CHANGES_CAP],
            ):
                self.record_change(0, key, "removed")
        return self.execute(
            f"DELETE FROM {self.table} WHERE id IN (SELECT id FROM {DOOMED})"
        )

    def absent(self) -> int:
        base, params = self._owned_base()
        return self.execute(
            f"""
            SELECT count(*) FROM ({base}) b WHERE NOT EXISTS (
                SELECT 1 FROM {STAGE} s WHERE s.{self.key} = b.{self.key_column})
            """,
            params,
        )[0][0]

    def lines_of(self, keys: Sequence[str]) -> dict[str, int]:
        rows = self.execute(
            f"SELECT {self.key}, min(line) FROM {STAGE} "
            f"WHERE {self.key} = ANY(%s) GROUP BY {self.key}",
            [list(keys)],
        )
        return dict(rows)
