"""The one bulk writer of ledger rows.

Every piece of code that adds many rows to the ledger app's tables goes through
``write_rows``: the importer's batched path (``batched.py``), the demo books
(``ledger/demo.py``) and the compaction of old history (``ledger/compaction.py``).
The importer's COPY path stages its rows through the same ``copy_in`` before its
set-based upsert (``pg.py``).

Two implementations sit behind the one entry point, chosen by the database like
the importer's engines: COPY on PostgreSQL (the fast path), ``bulk_create`` in
batches elsewhere. Rows are tuples in ``fields`` order (attnames: ``unit_id``);
fields left out get what Django would store (their default, or now for the
timestamps). Constraints and indexes stay in place: every row is checked as it
arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models
from django.utils import timezone

#: Rows per ``bulk_create`` on the portable path.
BATCH = 5_000
ENGINES = ("copy", "batched")


def default_engine() -> str:
    return "copy" if connection.vendor == "postgresql" else "batched"


@contextmanager
def copy_in(
    table: str, columns: Sequence[str], types: Sequence[str] | None = None
) -> Iterator[Callable[[Sequence[Any]], None]]:
    """PostgreSQL's ``COPY table (columns) FROM STDIN``: yields the function that
    writes one row. With ``types`` (psycopg's names) it uses the binary format."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    sql = f"COPY {quote(table)} ({names}) FROM STDIN"
    if types is not None:
        sql += " (FORMAT BINARY)"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        if types is not None:
            copy.set_types(list(types))
        yield copy.write_row


def write_rows(
    model: type[models.Model],
    fields: Iterable[str],
    rows: Iterable[Sequence[Any]],
    *,
    engine: str | None = None,
    upsert_on: Sequence[str] | None = None,
) -> int:
    """Insert ``rows`` (tuples of ``fields``' values, attnames) into ``model``'s
    table; returns how many. Call it inside the caller's transaction.

    With ``upsert_on`` (the unique fields of a natural key) a row whose key
    exists updates the existing row's given fields instead (master data that a
    run refreshes); that goes through the ORM's ``INSERT ... ON CONFLICT`` on
    every database."""
    given = tuple(fields)
    fields = given
    extra_fields, extra_values = _missing_values(model, fields)
    if extra_fields:
        fields += extra_fields
        rows = (tuple(row) + extra_values for row in rows)
    if upsert_on is not None:
        update = [name for name in given if name not in upsert_on]
        return _bulk_create(
            model,
            fields,
            rows,
            update_conflicts=True,
            unique_fields=list(upsert_on),
            update_fields=update,
        )
    engine = engine or default_engine()
    if engine == "copy":
        if connection.vendor != "postgresql":
            raise ValueError("the COPY path needs PostgreSQL")
        return _copy(model, fields, rows)
    if engine == "batched":
        return _bulk_create(model, fields, rows)
    raise ValueError(f"unknown engine {engine!r}")


def _missing_values(
    model: type[models.Model], fields: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The fields a caller left out and what Django would store in them, so that
    both paths write the same row."""
    given = set(fields)
    now = timezone.now()
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            names.append(field.attname)
            values.append(now)
        elif field.has_default():
            names.append(field.attname)
            values.append(field.get_default())
        elif field.null:
            continue
        elif field.empty_strings_allowed:
            names.append(field.attname)
            values.append("")
    return tuple(names), tuple(values)


#: psycopg's names of the types binary COPY sends, by Django field type.
BINARY_TYPES = {
    "AutoField": "int4",
    "BigAutoField": "int8",
    "BigIntegerField": "int8",
    "BooleanField": "bool",
    "CharField": "text",
    "DateField": "date",
    "DateTimeField": "timestamptz",
    "DecimalField": "numeric",
    "IntegerField": "int4",
    "PositiveIntegerField": "int4",
    "PositiveSmallIntegerField": "int2",
    "SmallIntegerField": "int2",
    "TextField": "text",
}


def _binary_type(field: models.Field) -> str | None:
    if field.is_relation:
        field = field.target_field
    return BINARY_TYPES.get(field.get_internal_type())


def _copy(model, fields, rows) -> int:
    opts = model._meta
    model_fields = [opts.get_field(_field_name(model, name)) for name in fields]
    columns = [field.column for field in model_fields]
    # Binary COPY when every column has a known type: cheaper for psycopg to
    # write and for the server to read than numbers and dates spelled out.
    types = [_binary_type(field) for field in model_fields]
    types = None if None in types else types
    count = 0
    # Django's exceptions (IntegrityError...), as bulk_create raises them.
    with (
        connection.wrap_database_errors,
        copy_in(opts.db_table, columns, types) as put,
    ):
        for row in rows:
            put(row)
            count += 1
    return count


def _field_name(model, attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.name
    return attname


def _bulk_create(model, fields, rows, **options) -> int:
    manager = model._base_manager
    count = 0
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row, strict=True))))
        if len(batch) >= BATCH:
            manager.bulk_create(batch, **options)
            count += len(batch)
            batch = []
    if batch:
        manager.bulk_create(batch, **options)
        count += len(batch)
    return count
