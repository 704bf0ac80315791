"""Writing the import formats back out, so that a file can make the round trip
import → export → import and come back unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from ledger.csv_writer import writer

from . import specs
from .services import Period
from .specs import KindSpec


def export_rows(
    spec: KindSpec, *, source: str = "fk", period: Period | None = None
) -> Iterator[tuple]:
    """The rows of a kind as Python values, in the order of its columns."""
    lookups = [
        f"{field.name}__{field.ref.key}" if field.ref else field.name
        for field in spec.fields
    ]
    queryset = spec.model._base_manager.filter(**spec.owned)
    if spec.source_scoped:
        queryset = queryset.filter(source=source)
    if period is not None and not period.auto:
        if spec.replace is None:
            raise ValueError(f"{spec.name} files have no period")
        queryset = queryset.filter(
            **{f"{spec.replace.date}__range": (period.first, period.last)}
        )
    rows = queryset.order_by(spec.key).values_list(*lookups).iterator(chunk_size=5000)
    if spec.export is None:
        yield from rows
    else:
        for row in rows:
            yield spec.export(row)


def write_csv(spec: KindSpec, rows: Iterator[tuple], stream: TextIO) -> int:
    """Write the kind's header and rows: ``;``, decimal comma, ISO dates, text
    cells neutralised against formulas (``ledger.csv_writer``), each column as
    its type formats it so that the importer reads the file back unchanged."""
    out = writer(stream)
    out.writerow(spec.column_names)
    formats = [column.type.format for column in spec.columns]
    count = 0
    for row in rows:
        out.writerow([fmt(value) for fmt, value in zip(formats, row, strict=True)])
        count += 1
    return count


def data_export(
    *,
    kind: str,
    stream: TextIO,
    source: str = "fk",
    period: Period | None = None,
) -> int:
    """Export one kind to ``stream``; returns the number of rows written."""
    spec = specs.get_kind(kind)
    return write_csv(spec, export_rows(spec, source=source, period=period), stream)
