"""The portable path (SQLite, and PostgreSQL on request): batches through the ORM.

Rows are checked as they arrive (duplicate keys and unknown references through
in-memory dictionaries) and written in chunks with ``bulk_create`` and
``bulk_update``; only rows whose values differ are updated. It keeps every key
of the file in memory, which is fine for what SQLite is used for (development,
tests, small installations); big files go through the PostgreSQL COPY path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db.models import Q

from .bulk import write_rows
from .writers import CHANGES_CAP, Writer

CHUNK = 500


class BatchedWriter(Writer):
    def __init__(self, ctx):
        super().__init__(ctx)
        spec = self.spec
        self.model = spec.model
        self.key_index = spec.key_index
        self.lines: dict[str, int] = {}
        self.chunk: list[tuple[int, tuple]] = []
        self.inserted = 0
        self.updated = 0
        # Only for kinds that refer to themselves (meters), which are small.
        self.inserted_keys: set[str] = set()
        self.updated_keys: set[str] = set()
        self.ref_rows: list[tuple[str, tuple]] = []
        self.defaults = self._defaults()
        # Resolved once: the keys of every referenced row (units, parties...).
        self.ref_plan = []
        self.self_ref_rows: list[tuple[int, str, str]] = []
        for index, field in enumerate(spec.fields):
            if field.ref is None or field.name not in self.present_names:
                continue
            ids = dict(field.ref.model._base_manager.values_list(field.ref.key, "id"))
            self.ref_plan.append((index, field, ids))
        self.group_plan = [
            (group, [spec.field_names.index(name) for name in group], {})
            for group in self.groups()
        ]
        self.write_plan = []  # (row index, attname, ref ids or None)
        for index, field in enumerate(spec.fields):
            if field.name not in self.present_names or field in self.self_refs:
                continue
            attname = self.model._meta.get_field(field.name).attname
            ids = next((ids for i, _f, ids in self.ref_plan if i == index), None)
            self.write_plan.append((index, attname, ids))
        self.fixed = dict(spec.fixed)
        if spec.source_scoped:
            self.fixed["source"] = ctx.source

    def _defaults(self) -> dict[str, Any]:
        """Values of the fields a file leaves out, for new rows."""
        defaults = {}
        for field in self.spec.fields:
            if field.name in self.present_names:
                continue
            empty = self.spec.column(field.sources[0]).empty
            model_field = self.model._meta.get_field(field.name)
            if empty is None and model_field.null:
                continue
            defaults[model_field.attname] = empty
        return defaults

    @contextmanager
    def staging(self) -> Iterator[Any]:
        yield self._put
        self._flush()
        self._check_self_refs()

    def _put(self, line: int, row: tuple) -> None:
        ok = True
        key = row[self.key_index]
        first = self.lines.get(key)
        if first is None:
            self.lines[key] = line
        else:
            self.duplicate(line, key, first)
            ok = False
        for index, field, ids in self.ref_plan:
            value = row[index]
            if value is None:
                continue
            if field.ref.model is self.model:
                if value not in ids:
                    self.self_ref_rows.append((line, value, field.name))
            elif value not in ids:
                self.unknown(line, field, value)
                ok = False
        for group, indexes, seen in self.group_plan:
            values = tuple(row[i] for i in indexes)
            if None in values:
                continue
            if values in seen:
                self.not_unique(line, group, seen[values])
                ok = False
            else:
                seen[values] = line
        if self.spec.replace is not None:
            self.scope_values.add(
                row[self.spec.field_names.index(self.spec.replace.scope)]
            )
        if ok:
            # Checked against the stored rows (and written, while the file has
            # no errors) chunk by chunk: rows after an error are still checked.
            self.chunk.append((line, row))
            if len(self.chunk) >= CHUNK:
                self._flush()

    def _check_self_refs(self) -> None:
        fields = {f.name: f for f in self.self_refs}
        for line, value, name in self.self_ref_rows:
            if value not in self.lines:
                self.unknown(line, fields[name], value)

    #: Everything was checked while staging; errors are sorted by the caller.
    checks_first = True

    def check(self) -> None:
        pass

    def _flush(self) -> None:
        chunk, self.chunk = self.chunk, []
        if not chunk:
            return
        key = self.spec.key
        keys = [row[self.key_index] for _line, row in chunk]
        queryset = self.model._base_manager.filter(**{f"{key}__in": keys})
        if self.spec.source_scoped:
            queryset = queryset.filter(source=self.ctx.source)
        existing = {getattr(obj, key): obj for obj in queryset}
        self._check_groups_stored(chunk)
        if self.merge_fields:
            absent = [
                f.name
                for f in self.spec.fields
                if f.name not in self.present_names and f.ref is None
            ]
            for line, row in chunk:
                obj = existing.get(row[self.key_index])
                if obj is not None:
                    stored = {name: getattr(obj, name) for name in absent}
                    self.check_merged(line, row, stored)
        if not self.log.ok:
            return  # checked; nothing more is written
        new, changed = [], []
        now = self.ctx.now
        for line, row in chunk:
            values = {
                attname: (row[i] if ids is None or row[i] is None else ids[row[i]])
                for i, attname, ids in self.write_plan
            }
            values.update(self.fixed)
            obj = existing.get(row[self.key_index])
            if self.ctx.preview:
                self._preview(line, row, obj)
            if obj is None:
                new.append({**self.defaults, **values})
                continue
            differs = False
            for attname, value in values.items():
                if getattr(obj, attname) != value:
                    setattr(obj, attname, value)
                    differs = True
            if differs:
                obj.updated_at = now
                changed.append(obj)
        if self.self_refs:
            self.ref_rows.extend((row[self.key_index], row) for _line, row in chunk)
            self.inserted_keys |= {values[key] for values in new}
        if new:
            # New rows go through the one bulk writer (ledger.imports.bulk).
            fields = (*new[0], "created_at", "updated_at")
            self.inserted += write_rows(
                self.model,
                fields,
                ((*values.values(), now, now) for values in new),
                engine="batched",
            )
        if changed:
            fields = [*{a for _i, a, _ids in self.write_plan} | set(self.fixed)]
            fields.append("updated_at")
            self.model._base_manager.bulk_update(
                changed, sorted(fields), batch_size=CHUNK
            )
            self.updated += len(changed)
            if self.self_refs:
                self.updated_keys |= {getattr(obj, key) for obj in changed}

    def _check_groups_stored(self, chunk: list[tuple[int, tuple]]) -> None:
        """Rows whose unique group a stored row of another key (not in the
        file so far) already has; see CopyWriter._check_group_stored."""
        for group, indexes, _seen in self.group_plan:
            wanted: dict[tuple, tuple[int, str]] = {}
            for line, row in chunk:
                values = []
                for index in indexes:
                    value = row[index]
                    ids = self._ref_ids(index)
                    if ids is not None and value is not None:
                        value = ids.get(value)
                    values.append(value)
                if None not in values:
                    wanted.setdefault(tuple(values), (line, row[self.key_index]))
            if not wanted:
                continue
            attnames = [self.model._meta.get_field(name).attname for name in group]
            condition = Q()
            for values in wanted:
                condition |= Q(**dict(zip(attnames, values, strict=True)))
            stored = self.model._base_manager.filter(condition).values_list(
                self.spec.key, *attnames
            )
            for other, *values in stored.order_by(self.spec.key):
                line, row_key = wanted[tuple(values)]
                if other != row_key and other not in self.lines:
                    self.taken(line, group, other)

    def _ref_ids(self, index: int) -> dict | None:
        for i, _field, ids in self.ref_plan:
            if i == index:
                return ids
        return None

    def _preview(self, line: int, row: tuple, obj: Any) -> None:
        """One record of the dry run's preview (see Writer.record_change)."""
        key = row[self.key_index]
        if obj is None:
            self.record_change(line, key, "added")
            return
        fields = []
        for index, field in enumerate(self.spec.fields):
            if field.name == self.spec.key or field.name not in self.present_names:
                continue
            new = row[index]
            old = getattr(obj, self.model._meta.get_field(field.name).attname)
            if field.ref is not None and old is not None:
                old = self._key_of(index, old)
            if old != new:
                fields.append((field.name, old, new))
        for name, new in self.spec.fixed.items():
            old = getattr(obj, name)
            if old != new:
                fields.append((name, old, new))
        if fields:
            self.record_change(line, key, "changed", fields, obj.updated_at)

    def _key_of(self, index: int, pk: int) -> str | None:
        """The source key of a referenced row's id (for the preview)."""
        cache = self.__dict__.setdefault("_keys_by_id", {})
        if index not in cache:
            field = self.spec.fields[index]
            cache[index] = dict(
                field.ref.model._base_manager.values_list("id", field.ref.key)
            )
        return cache[index].get(pk)

    def apply(self) -> tuple[int, int]:
        """Rows were written chunk by chunk; references to the same kind now,
        when every row they may point at exists."""
        if not self.self_refs:
            return self.inserted, self.updated
        key = self.spec.key
        objects = {getattr(obj, key): obj for obj in self.model._base_manager.all()}
        refs = [
            (self.spec.field_names.index(f.name), self.model._meta.get_field(f.name))
            for f in self.self_refs
        ]
        changed = []
        for row_key, row in self.ref_rows:
            obj = objects[row_key]
            differs = False
            for index, model_field in refs:
                value = row[index]
                target = None if value is None else objects[value].pk
                if getattr(obj, model_field.attname) != target:
                    setattr(obj, model_field.attname, target)
                    differs = True
            if differs:
                obj.updated_at = self.ctx.now
                changed.append(obj)
                self.updated_keys.add(row_key)
        if changed:
            fields = [model_field.attname for _i, model_field in refs]
            self.model._base_manager.bulk_update(
                changed, [*fields, "updated_at"], batch_size=CHUNK
            )
        return len(self.inserted_keys), len(self.updated_keys - self.inserted_keys)

    def remove(self, first: dt.date, last: dt.date) -> int:
        replace = self.spec.replace
        assert replace is not None  # noqa: S101 - the caller checks
        scope = self.spec.fields[self.spec.field_names.index(replace.scope)]
        scope_ids = list(
            scope.ref.model._base_manager.filter(
                **{f"{scope.ref.key}__in": self.scope_values}
            ).values_list("id", flat=True)
        )
        queryset = self.model._base_manager.filter(
            **self.spec.owned,
            **{
                f"{replace.date}__range": (first, last),
                f"{replace.scope}__in": scope_ids,
            },
        )
        if self.spec.source_scoped:
            queryset = queryset.filter(source=self.ctx.source)
        doomed_keys = [
            (pk, key)
            for pk, key in queryset.values_list("id", self.spec.key).iterator()
            if key not in self.lines
        ]
        doomed = [pk for pk, _key in doomed_keys]
        if self.ctx.preview:
            for key in sorted(key for _pk, key in doomed_keys)[:CHANGES_CAP]:
                self.record_change(0, key, "removed")
        removed = 0
        for start in range(0, len(doomed), CHUNK):
            _total, per_model = self.model._base_manager.filter(
                id__in=doomed[start : start + CHUNK]
            ).delete()
            removed += per_model.get(self.model._meta.label, 0)
        return removed

    def absent(self) -> int:
        queryset = self.model._base_manager.filter(**self.spec.owned)
        if self.spec.source_scoped:
            queryset = queryset.filter(source=self.ctx.source)
        return sum(
            1
            for key in queryset.values_list(self.spec.key, flat=True).iterator()
            if key not in self.lines
        )

    def lines_of(self, keys: Sequence[str]) -> dict[str, int]:
        return {key: self.lines[key] for key in keys if key in self.lines}
