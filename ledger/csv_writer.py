"""The one CSV writer of the project, with its one formula-injection rule.

Every CSV file the portal writes goes through here: the statement CSV and the
RODO archive of the member area (``members.area.export``) and the export of
the import formats (``ledger.imports.exporting``). The files are for
spreadsheets used in Poland: ``;`` between cells, CRLF line ends, decimal
comma, ISO dates (``2025-03-14``), UTF-8 (with a byte-order mark where a
person opens the file).

The rule: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a
carriage return or an apostrophe gets a leading apostrophe, so a spreadsheet
shows the text instead of running it as a formula (CSV injection). The
apostrophe itself is on the list so that ``restore_text`` can undo the rule
exactly: the importer reads an exported file back unchanged. Numbers the portal
formats itself (``-1234,50``) are numbers, not text, and stay as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TextIO

DELIMITER = ";"
LINE_END = "\r\n"
BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "'")


def safe_text(value: Any) -> str:
    """One text cell, neutralised against formula injection."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def restore_text(text: str) -> str:
    """The text ``safe_text`` was given (the importer reads exports back)."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def number_cell(value: Decimal | int | None) -> str:
    """A number as the files write it: all its digits, decimal comma, no
    grouping (``-1234,50``)."""
    if value is None or value == "":
        return ""
    return format(Decimal(value), "f").replace(".", ",")


def cell(value: Any) -> str:
    """Any value as a cell: numbers and dates in the files' machine format,
    booleans as 1/0, everything else as neutralised text."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal | int):
        return number_cell(value)
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    return safe_text(value)


def writer(stream: TextIO):
    """A ``csv.writer`` in the project's dialect, for rows of ready cells."""
    return csv.writer(stream, delimiter=DELIMITER, lineterminator=LINE_END)


def write_rows(
    stream: TextIO,
    header: Iterable[str],
    rows: Iterable[Iterable[Any]],
    *,
    bom: bool = False,
) -> int:
    """Write ``header`` and ``rows`` (values go through ``cell``) to
    ``stream``; returns the number of rows written (without the header)."""
    if bom:
        stream.write(BOM)
    out = writer(stream)
    out.writerow([safe_text(name) for name in header])
    count = 0
    for row in rows:
        out.writerow([cell(value) for value in row])
        count += 1
    return count
