"""Reading import files: CSV (``;`` or ``,``, UTF-8 or Windows-1250) and XLSX.

Everything here is free of the database. A file is streamed row by row, so memory
stays flat however long the file is; each row comes out either converted to Python
values or as problems naming the file, line and column. The import services decide
what to do with the rows.

What is forgiven: ``;`` or ``,`` as the separator, a decimal comma or point, spaces
as thousands separators, dates as ``YYYY-MM-DD`` or ``DD.MM.YYYY``, UTF-8 with or
without a BOM, Windows-1250, column order, letter case of the header, blank lines.
What is refused: anything else, with a message a person can act on.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from ledger.csv_writer import number_cell, restore_text, safe_text

# The longest physical line and the longest field we read. Longer input is refused
# before it is held in memory (a runaway quote would otherwise swallow the file).
MAX_LINE_CHARS = 64 * 1024
MAX_FIELD_CHARS = MAX_LINE_CHARS
# How many errors a report keeps; more are counted but not listed.
DEFAULT_ERROR_CAP = 200
# How much of the file is looked at to guess its encoding.
SNIFF_BYTES = 256 * 1024

SEPARATORS = (";", ",")

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
CP1250 = "cp1250"
ENCODING_ALIASES = {
    "utf-8": UTF8,
    "utf8": UTF8,
    "utf-8-sig": UTF8_BOM,
    "cp1250": CP1250,
    "windows-1250": CP1250,
    "win1250": CP1250,
}


class UnknownEncoding(ValueError):
    """An encoding the importer does not read (only UTF-8 and Windows-1250)."""


def normalise_encoding(name: str) -> str:
    """The codec of an encoding option, or UnknownEncoding (a Polish message)."""
    codec = ENCODING_ALIASES.get(name.strip().lower().replace("_", "-"))
    if codec is None:
        raise UnknownEncoding(
            _(
                "unknown encoding %(name)r: the import reads UTF-8 (utf-8) or "
                "Windows-1250 (cp1250)"
            )
            % {"name": name}
        )
    return codec


# --------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a file, where it is, and what is wrong.

    ``line`` is the physical line of a CSV file (1 = the header) or the row of a
    sheet; ``column`` is the 1-based position in that line, or None when the
    problem is not about one cell (a missing column, an empty file).
    """

    file: str
    line: int
    column: int | None
    message: str
    column_name: str = ""
    warning: bool = False

    def __str__(self) -> str:
        if not self.line:  # about the whole file, found after reading it
            return f"{self.file}: {self.message}"
        where = f"{self.file}:{self.line}"
        if self.column is not None:
            where += f":{self.column}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "column_name": self.column_name,
            "message": self.message,
            "warning": self.warning,
        }


@dataclass
class ProblemLog:
    """Errors and warnings of one run; keeps the first ``cap`` errors, counts all."""

    file: str
    cap: int = DEFAULT_ERROR_CAP
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0

    def error(
        self, line: int, column: int | None, message: str, column_name: str = ""
    ) -> None:
        self.error_count += 1
        if len(self.errors) < self.cap:
            self.errors.append(
                Problem(self.file, line, column, message, column_name=column_name)
            )

    def warn(
        self, line: int, column: int | None, message: str, column_name: str = ""
    ) -> None:
        self.warnings.append(
            Problem(self.file, line, column, message, column_name, warning=True)
        )

    def extend(self, problems: Sequence[Problem], total: int | None = None) -> None:
        """Add errors found elsewhere (e.g. by SQL); ``total`` when more exist."""
        for problem in problems:
            if len(self.errors) < self.cap:
                self.errors.append(problem)
        self.error_count += len(problems) if total is None else total

    def sort(self) -> None:
        """Put errors in file order, so every code path lists them the same way."""
        self.errors.sort(key=lambda p: (p.line, p.column or 0, p.message))
        del self.errors[self.cap :]

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def truncated(self) -> int:
        """How many errors were counted but not listed."""
        return self.error_count - len(self.errors)


class CellError(ValueError):
    """A value that cannot be read; the message says why, in the user's language."""


class FileRejected(Exception):
    """The file cannot be read at all (the problem is already in the log)."""


# --------------------------------------------------------------------------------
# Value types. Each reads text (CSV, XLSX strings) or a native cell value (XLSX
# numbers and dates) and writes the canonical text used by exports.


class ValueType:
    label = "text"

    def parse(self, raw: str) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def parse_native(self, value: Any) -> Any:
        """An XLSX cell that is not a string: numbers, dates, booleans."""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return self.parse(str(value))

    def format(self, value: Any) -> str:
        return "" if value is None else str(value)

    def fast_source(self, out: str, name: str, consts: dict[str, Any]) -> list[str]:
        """Python lines that set ``out`` from the stripped, non-empty string ``s``
        for the common case, or raise; see _compile_row. This default calls parse."""
        consts[name] = self.parse
        return [f"{out} = {name}(s)"]


def unescape_text(value: str) -> str:
    """Undo the export's protection against spreadsheet formulas (see format)."""
    return restore_text(value)


@dataclass(frozen=True)
class Text(ValueType):
    """Free text up to ``max_length`` characters."""

    max_length: int = 200
    label = "text"

    def parse(self, raw: str) -> str:
        value = unescape_text(raw)
        if "\x00" in value:
            raise CellError(_("text contains a NUL character (byte 0)"))
        if len(value) > self.max_length:
            raise CellError(
                _("text is %(length)d characters long, at most %(max)d allowed")
                % {"length": len(value), "max": self.max_length}
            )
        return value

    def fast_source(self, out, name, consts):
        return [
            f'if len(s) > {self.max_length} or s[0] == "\'" or "\\x00" in s: '
            "raise _Slow",
            f"{out} = s",
        ]

    def format(self, value: Any) -> str:
        # A cell that a spreadsheet would run as a formula is written with a
        # leading apostrophe (ledger.csv_writer); parse() takes it off again.
        return safe_text(value)


@dataclass(frozen=True)
class Key(ValueType):
    """A stable identifier from the source system: no spaces, up to max_length."""

    max_length: int = 40
    label = "key"

    def parse(self, raw: str) -> str:
        raw = unescape_text(raw)
        if len(raw) > self.max_length:
            raise CellError(
                _("key is %(length)d characters long, at most %(max)d allowed")
                % {"length": len(raw), "max": self.max_length}
            )
        if not raw.isprintable() or " " in raw:
            raise CellError(
                _("key %(value)r contains spaces or control characters")
                % {"value": _clip(raw)}
            )
        return raw

    def fast_source(self, out, name, consts):
        return [
            f"if len(s) > {self.max_length} or ' ' in s or not s.isprintable() "
            'or s[0] == "\'": raise _Slow',
            f"{out} = s",
        ]

    def format(self, value: Any) -> str:
        # Keys are text too: neutralised like Text (parse() undoes it).
        return safe_text(value)


# Digits, optionally grouped by (non-breaking) spaces, and up to `places` decimals
# after a comma or a point: "1234,56", "1 234.5", "-12", "+0,01".
_NUMBER = re.compile(
    r"(?P<sign>[+-]?)(?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)"
    r"(?:[.,](?P<frac>\d+))?\Z"
)
_GROUPING = str.maketrans("", "", " \u00a0\u202f")


@dataclass(frozen=True)
class Number(ValueType):
    """A decimal number: money (12 digits, 2 places) or a meter value."""

    max_digits: int = 12
    decimal_places: int = 2
    minimum: Decimal | None = None
    label = "amount"

    def parse(self, raw: str) -> Decimal:
        match = _NUMBER.match(raw)
        if match is None:
            raise CellError(_("%(value)r is not a number") % {"value": _clip(raw)})
        frac = match["frac"] or ""
        if len(frac) > self.decimal_places:
            raise CellError(
                _("%(value)r has more than %(places)d decimal places")
                % {"value": raw, "places": self.decimal_places}
            )
        digits = match["int"].translate(_GROUPING).lstrip("0")
        if len(digits) > self.max_digits - self.decimal_places:
            raise CellError(_("%(value)r is too large") % {"value": _clip(raw)})
        value = Decimal(f"{match['sign']}{digits or '0'}.{frac or '0'}")
        return self._checked(value, raw)

    def parse_native(self, value: Any) -> Decimal:
        if isinstance(value, bool):
            raise CellError(_("%(value)r is not a number") % {"value": value})
        if isinstance(value, int | float | Decimal):
            # Spreadsheets store 12.30 as a binary float; round to the places we keep
            # and refuse values that needed more.
            number = Decimal(repr(value) if isinstance(value, float) else value)
            quantum = Decimal(1).scaleb(-self.decimal_places)
            rounded = number.quantize(quantum)
            if rounded != number:
                raise CellError(
                    _("%(value)r has more than %(places)d decimal places")
                    % {"value": value, "places": self.decimal_places}
                )
            return self.parse(format(rounded, "f"))
        return super().parse_native(value)

    def _checked(self, value: Decimal, raw: str) -> Decimal:
        if self.minimum is not None and value < self.minimum:
            raise CellError(
                _("%(value)r is below the minimum %(minimum)s")
                % {"value": raw, "minimum": self.minimum}
            )
        return value.quantize(Decimal(1).scaleb(-self.decimal_places))

    def fast_source(self, out, name, consts):
        # Plain digits with an optional sign and decimals; anything else (spaces,
        # too many digits, a minimum) goes through parse() for its message.
        sign = "" if self.minimum is not None and self.minimum >= 0 else "-?"
        digits = self.max_digits - self.decimal_places
        consts[name] = re.compile(
            rf"{sign}\d{{1,{digits}}}(?:[.,]\d{{1,{self.decimal_places}}})?"
        ).fullmatch
        lines = [
            f"if {name}(s) is None: raise _Slow",
            f"{out} = _Decimal(s.replace(',', '.'))",
        ]
        if self.minimum is not None and self.minimum > 0:
            consts[name + "_min"] = self.minimum
            lines.append(f"if {out} < {name}_min: raise _Slow")
        return lines

    def format(self, value: Any) -> str:
        return number_cell(value)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_PL_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\Z")


@dataclass(frozen=True)
class Date(ValueType):
    """A calendar date, written YYYY-MM-DD or DD.MM.YYYY."""

    label = "date"

    def parse(self, raw: str) -> dt.date:
        try:
            if _ISO_DATE.match(raw):
                return dt.date.fromisoformat(raw)
            match = _PL_DATE.match(raw)
            if match:
                day, month, year = match.groups()
                return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise CellError(
                _("%(value)r is not a valid date") % {"value": _clip(raw)}
            ) from None
        raise CellError(
            _("%(value)r is not a date (use YYYY-MM-DD or DD.MM.YYYY)")
            % {"value": _clip(raw)}
        )

    def parse_native(self, value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            if value.time() != dt.time(0):
                raise CellError(_("%(value)s is not a date") % {"value": value})
            return value.date()
        if isinstance(value, dt.date):
            return value
        raise CellError(_("%(value)r is not a date") % {"value": value})

    def fast_source(self, out, name, consts):
        # Ledgers repeat the same few thousand dates: remember them (bounded).
        consts[name] = {}
        return [
            f"{out} = {name}.get(s)",
            f"if {out} is None:",
            "    if len(s) != 10 or s[4] != '-' or s[7] != '-': raise _Slow",
            f"    {out} = _fromisoformat(s)",
            f"    if len({name}) < 50_000: {name}[s] = {out}",
        ]

    def format(self, value: Any) -> str:
        return "" if value is None else value.isoformat()


_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})\Z")
_PL_MONTH = re.compile(r"(\d{1,2})[./](\d{4})\Z")


@dataclass(frozen=True)
class Month(ValueType):
    """A booking period: YYYY-MM or MM.YYYY, stored as the first day of the month."""

    label = "month"

    def parse(self, raw: str) -> dt.date:
        match = _ISO_MONTH.match(raw)
        if match:
            year, month = match.groups()
        else:
            match = _PL_MONTH.match(raw)
            if match is None:
                raise CellError(
                    _("%(value)r is not a month (use YYYY-MM or MM.YYYY)")
                    % {"value": _clip(raw)}
                )
            month, year = match.groups()
        try:
            return dt.date(int(year), int(month), 1)
        except ValueError:
            raise CellError(
                _("%(value)r is not a valid month") % {"value": raw}
            ) from None

    def parse_native(self, value: Any) -> dt.date:
        if isinstance(value, dt.date):
            return dt.date(value.year, value.month, 1)
        return super().parse_native(value)

    def fast_source(self, out, name, consts):
        consts[name] = {}
        return [
            f"{out} = {name}.get(s)",
            f"if {out} is None:",
            "    if len(s) != 7 or s[4] != '-' or not s[:4].isdigit() "
            "or not s[5:].isdigit(): raise _Slow",
            f"    {out} = _date(int(s[:4]), int(s[5:]), 1)",
            f"    if len({name}) < 50_000: {name}[s] = {out}",
        ]

    def format(self, value: Any) -> str:
        return "" if value is None else value.strftime("%Y-%m")


@dataclass(frozen=True)
class Integer(ValueType):
    minimum: int = 0
    maximum: int = 2**31 - 1
    label = "integer"

    def parse(self, raw: str) -> int:
        if not re.fullmatch(r"[+-]?\d{1,12}", raw):
            raise CellError(
                _("%(value)r is not a whole number") % {"value": _clip(raw)}
            )
        value = int(raw)
        if not self.minimum <= value <= self.maximum:
            raise CellError(
                _("%(value)s is outside %(minimum)s..%(maximum)s")
                % {"value": value, "minimum": self.minimum, "maximum": self.maximum}
            )
        return value


def _integer_fast_source(self, out, name, consts):
    return [
        "if not s.isascii() or not s.isdigit() or len(s) > 12: raise _Slow",
        f"{out} = int(s)",
        f"if not {self.minimum} <= {out} <= {self.maximum}: raise _Slow",
    ]


Integer.fast_source = _integer_fast_source

_TRUE = {"1", "t", "tak", "true", "y", "yes", "prawda"}
_FALSE = {"0", "n", "nie", "false", "no", "fałsz", "falsz"}


@dataclass(frozen=True)
class Boolean(ValueType):
    label = "yes/no"

    def parse(self, raw: str) -> bool:
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise CellError(
            _("%(value)r is not yes/no (use tak/nie or 1/0)") % {"value": _clip(raw)}
        )

    def parse_native(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        return super().parse_native(value)

    def format(self, value: Any) -> str:
        return "" if value is None else ("tak" if value else "nie")


@dataclass(frozen=True)
class Choice(ValueType):
    """One of a fixed set of codes; ``aliases`` maps other spellings to a code."""

    codes: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()
    label = "code"

    def parse(self, raw: str) -> str:
        lowered = raw.lower()
        if lowered in self.codes:
            return lowered
        for alias, code in self.aliases:
            if alias == lowered:
                return code
        raise CellError(
            _("%(value)r is not one of: %(codes)s")
            % {"value": _clip(raw), "codes": ", ".join(self.codes)}
        )

    def fast_source(self, out, name, consts):
        consts[name] = {**{code: code for code in self.codes}, **dict(self.aliases)}
        return [
            f"{out} = {name}.get(s) or {name}.get(s.lower())",
            f"if {out} is None: raise _Slow",
        ]


@dataclass(frozen=True)
class BankAccount(ValueType):
    """A unit's 26-digit NRB; spaces are forgiven, the IBAN check digits are not."""

    label = "NRB"

    def parse(self, raw: str) -> str:
        from ledger.validators import nrb_is_valid

        digits = raw.translate(_GROUPING).removeprefix("PL")
        if not nrb_is_valid(digits):
            raise CellError(
                _("%(value)r is not a valid 26-digit account number (NRB)")
                % {"value": _clip(raw)}
            )
        return digits


class Nip(ValueType):
    """A Polish tax id (NIP): 10 digits with a check digit; dashes and spaces
    are forgiven (``ledger.validators.validate_nip``). Stored as the digits."""

    label = "NIP"

    def parse(self, raw: str) -> str:
        from django.core.exceptions import ValidationError

        from ledger.validators import nip_digits, validate_nip

        try:
            validate_nip(raw)
        except ValidationError:
            raise CellError(
                _("%(value)r is not a valid NIP (10 digits with a check digit)")
                % {"value": _clip(raw)}
            ) from None
        return nip_digits(raw)


@dataclass(frozen=True)
class Email(ValueType):
    max_length: int = 254
    label = "e-mail"

    def parse(self, raw: str) -> str:
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        raw = unescape_text(raw)
        try:
            validate_email(raw)
        except ValidationError:
            raise CellError(
                _("%(value)r is not an e-mail address") % {"value": _clip(raw)}
            ) from None
        if len(raw) > self.max_length:
            raise CellError(_("the e-mail address is too long"))
        return raw

    def format(self, value: Any) -> str:
        # "=1+1@example.org" is a valid address a resident may give: written
        # with the leading apostrophe of ledger.csv_writer, read back by parse().
        return safe_text(value)


def _clip(raw: str, limit: int = 40) -> str:
    return raw if len(raw) <= limit else raw[:limit] + "…"


# --------------------------------------------------------------------------------
# Columns and files


@dataclass(frozen=True)
class Column:
    """A column of an import file: its header name, type and whether it is needed."""

    name: str
    type: ValueType
    required: bool = True
    help: str = ""
    #: The value of an empty optional cell ("" for text, a default, or None).
    empty: Any = None
    #: Whether the header must have the column even if its cells may be empty.
    in_header: bool | None = None

    @property
    def header_required(self) -> bool:
        return self.required if self.in_header is None else self.in_header


@dataclass
class FileInfo:
    """What was found out about a file while opening it."""

    name: str
    format: str = "csv"  # "csv" or "xlsx"
    encoding: str = ""
    encoding_given: bool = False
    separator: str = ""
    header: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    size: int = 0


def normalise_header(name: Any) -> str:
    return "" if name is None else str(name).strip().strip("\ufeff").strip().lower()


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or Windows-1250, judged from the first bytes.

    A sample that is valid UTF-8 is UTF-8. Otherwise the file is Windows-1250,
    unless it holds more well-formed UTF-8 sequences than stray bytes: then it is
    UTF-8 with a few broken bytes, which the row reader reports line by line.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    try:
        sample.decode(UTF8)
        return UTF8
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return UTF8  # the sample cut a character in half
    decoded = sample.decode(UTF8, errors="replace")
    stray = decoded.count("\ufffd")
    well_formed = sum(1 for char in decoded if ord(char) > 0x7F) - stray
    return UTF8 if well_formed > stray else CP1250


# Decoding errors become U+FFFD and are counted, so the reader can point at the
# line and column instead of failing the whole file with an offset in bytes.
# One counter for the process: a bad byte in another thread's file only makes
# this reader look more carefully, never less.
_DECODE_ERRORS = [0]


def _count_decode_error(exc: UnicodeError) -> tuple[str, int]:
    _DECODE_ERRORS[0] += 1
    return "\ufffd", exc.end  # type: ignore[attr-defined]


codecs.register_error("ledger_import", _count_decode_error)


def _mojibake_pattern() -> re.Pattern:
    """UTF-8 letters read as Windows-1250: a lead byte C2-C5 (shown as Â Ă Ä Ĺ)
    followed by a continuation byte 80-BF, or E2 80 (â€, quotes and dashes).
    Polish Windows-1250 text never has these pairs; the UTF-8 of ą ć ę ł ń ó ś
    ź ż, of a no-break space and of typographic quotes always does."""

    def chars(first: int, last: int) -> str:
        found = []
        for byte in range(first, last + 1):
            try:
                found.append(bytes([byte]).decode(CP1250))
            except UnicodeDecodeError:
                continue
        return re.escape("".join(found))

    return re.compile(f"[{chars(0xC2, 0xC5)}][{chars(0x80, 0xBF)}]|\u00e2\u20ac")


MOJIBAKE = _mojibake_pattern()


def _decode_errors() -> int:
    return _DECODE_ERRORS[0]


def _physical_lines(text: IO[str], log: ProblemLog, info: FileInfo) -> Iterator[str]:
    """Lines of the file, refusing any longer than MAX_LINE_CHARS."""
    pieces = iter(partial(text.readline, MAX_LINE_CHARS + 1), "")
    # Line 1 was the header, read already.
    for number, line in enumerate(pieces, start=2):
        if len(line) > MAX_LINE_CHARS and line[-1] not in "\r\n":
            column = line.count(info.separator or ";", 0, MAX_LINE_CHARS) + 1
            name = info.header[column - 1] if column <= len(info.header) else ""
            log.error(
                number,
                column,
                _(
                    "%(column)s: the line is longer than %(max)d characters; "
                    "reading stopped"
                )
                % {"column": name or column, "max": MAX_LINE_CHARS},
                column_name=name,
            )
            return
        yield line


_FAILED = object()


@dataclass
class Table:
    """An opened import file: what was found out about it, and its rows.

    Iterating ``rows()`` yields ``(line, values)`` for every row that converted
    cleanly, ``values`` in the order of the ``columns`` given to open_table (None
    for an empty optional cell or a column the file does not have). Rows with
    problems are reported to the log and left out.
    """

    info: FileInfo
    columns: Sequence[Column]
    log: ProblemLog
    _rows: Callable[[], Iterator[tuple[int, list[Any]]]]
    rows_read: int = 0
    decode_errors_before: int = 0
    bytes_read: Callable[[], int] = lambda: 0
    _close: Callable[[], None] = lambda: None

    def rows(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        return self._convert(self._rows())

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _convert(
        self, raw_rows: Iterator[tuple[int, list[Any]]]
    ) -> Iterator[tuple[int, tuple[Any, ...]]]:
        header = self.info.header
        width = len(header)
        positions = _positions(header, self.columns)
        plan = [
            (pos, col.name, col.type, col.required, col.empty)
            for pos, col in zip(positions, self.columns, strict=True)
        ]
        convert = _compile_row(plan)
        # The decoder reads ahead, so once it has met a bad byte every later row is
        # searched for the replacement character it left.
        before = self.decode_errors_before
        decode_errors = _DECODE_ERRORS
        check_encoding = self.info.encoding == CP1250
        read = 0  # a local: this loop runs a million times
        try:
            for line, cells in raw_rows:
                if len(cells) != width:
                    # A separator at the end of every line (as after the
                    # header) adds empty cells beyond the header: not fields.
                    while len(cells) > width and not _filled(cells[-1]):
                        cells.pop()
                if len(cells) != width:
                    if any(_filled(c) for c in cells):
                        read += 1
                        self._wrong_width(line, cells)
                    continue  # else a blank line, or an empty sheet row
                if not check_encoding and decode_errors[0] != before:
                    check_encoding = True
                if check_encoding and self._bad_encoding(line, cells):
                    read += 1
                    continue
                try:
                    values = convert(cells)
                except _SLOW_PATH:
                    values = self._convert_slowly(line, cells, plan)
                    if values is None:
                        continue  # an empty row
                    if values is _FAILED:
                        read += 1
                        continue
                read += 1
                yield line, values
        finally:
            self.rows_read = read
        if read == 0 and self.log.ok:
            self.log.error(2, None, _("the file has a header but no data rows"))

    def _convert_slowly(self, line: int, cells: list[Any], plan: list[tuple]) -> Any:
        """Convert one row cell by cell, logging every problem. Returns the
        values, _FAILED when a cell was wrong, or None for an empty row."""
        log = self.log
        values = []
        failed = False
        for pos, name, vtype, required, empty in plan:
            if pos is None:
                values.append(empty)
                continue
            raw = cells[pos]
            if raw.__class__ is str:
                raw = raw.strip()
                if not raw:
                    raw = None
            if raw is None:
                if required:
                    if not any(_filled(c) for c in cells):
                        return None  # an empty row: ";;;;" or an empty sheet row
                    log.error(
                        line, pos + 1, f"{name}: {_('a value is required')}", name
                    )
                    failed = True
                values.append(empty)
                continue
            try:
                if raw.__class__ is str:
                    values.append(vtype.parse(raw))
                else:
                    values.append(vtype.parse_native(raw))
            except CellError as exc:
                log.error(line, pos + 1, f"{name}: {exc}", name)
                failed = True
        return _FAILED if failed else tuple(values)

    def _wrong_width(self, line: int, cells: list[Any]) -> None:
        width = len(self.info.header)
        if len(cells) < width:
            missing = self.info.header[len(cells)]
            self.log.error(
                line,
                len(cells) + 1,
                _(
                    "the line has %(found)d fields but the header has %(expected)d "
                    "(is the separator %(sep)r?); column %(column)s is missing"
                )
                % {
                    "found": len(cells),
                    "expected": width,
                    "sep": self.info.separator or ";",
                    "column": missing,
                },
                missing,
            )
        else:
            self.log.error(
                line,
                width + 1,
                _(
                    "the line has %(found)d fields but the header has %(expected)d "
                    "(is the separator %(sep)r, and is text with it quoted?)"
                )
                % {
                    "found": len(cells),
                    "expected": width,
                    "sep": self.info.separator or ";",
                },
            )

    def _bad_encoding(self, line: int, cells: list[Any]) -> bool:
        """Cells with bytes of the other encoding: undecodable bytes, or (in a
        Windows-1250 file) UTF-8 letters, which would be stored as mojibake."""
        bad = False
        cp1250 = self.info.encoding == CP1250
        for pos, cell in enumerate(cells):
            if not isinstance(cell, str):
                continue
            if cp1250 and MOJIBAKE.search(cell):
                message = _(
                    "%(column)s: %(value)s is UTF-8 text in a Windows-1250 file "
                    "(it reads %(utf8)s in UTF-8): the file mixes two encodings; "
                    "save the whole file as UTF-8 or as Windows-1250"
                ) % {
                    "column": self.info.header[pos],
                    "value": repr(_clip(cell.strip())),
                    "utf8": repr(_clip(_as_utf8(cell.strip()))),
                }
            elif "\ufffd" in cell:
                message = self._undecodable_message(pos)
            else:
                continue
            name = self.info.header[pos]
            self.log.error(line, pos + 1, message, name)
            bad = True
        return bad

    def _undecodable_message(self, pos: int) -> str:
        name = self.info.header[pos]
        if self.info.encoding == CP1250:
            return _(
                "%(column)s: bytes that are not valid Windows-1250 "
                "(save the file as UTF-8 or Windows-1250)"
            ) % {"column": name}
        if self.info.encoding_given:
            return _(
                "%(column)s: bytes that are not valid UTF-8 (save the file as "
                "UTF-8, or choose the encoding the file was saved in)"
            ) % {"column": name}
        return _(
            "%(column)s: bytes that are not valid UTF-8, although the file began "
            "as UTF-8 or plain ASCII; if the file was saved as Windows-1250, choose "
            "that encoding (--encoding cp1250), or save the whole file as UTF-8"
        ) % {"column": name}


class _Slow(Exception):
    """The fast path of a row gave up; the careful path will say why."""


def _compile_row(plan: list[tuple]) -> Callable[[list[Any]], tuple]:
    """A function converting one row of text cells, made for this file's layout.

    Rows of a big file are nearly all well-formed, and a generic loop over the
    columns costs more than the conversions themselves; so the happy path of
    each column is written out once as straight-line code. Any row it does not
    understand (an empty required cell, a decimal with spaces, a bad date, an
    XLSX number) raises, and the caller converts that row the careful way, which
    also writes the error messages. The source is made only from the column
    specs, never from the file.
    """
    consts: dict[str, Any] = {
        "_Slow": _Slow,
        "_Decimal": Decimal,
        "_date": dt.date,
        "_fromisoformat": dt.date.fromisoformat,
    }
    lines = ["def convert(c):"]
    outs = []
    for number, (pos, _name, vtype, required, empty) in enumerate(plan):
        out = f"v{number}"
        outs.append(out)
        consts[f"e{number}"] = empty
        if pos is None:
            lines.append(f"    {out} = e{number}")
            continue
        lines.append(f"    s = c[{pos}].strip()")
        lines.append("    if s:")
        lines.extend(
            "        " + line for line in vtype.fast_source(out, f"t{number}", consts)
        )
        lines.append("    else:")
        lines.append(
            "        raise _Slow" if required else f"        {out} = e{number}"
        )
    lines.append(f"    return ({', '.join(outs)},)")
    exec(compile("\n".join(lines), "<import row>", "exec"), consts)  # noqa: S102
    return consts["convert"]


_SLOW_PATH = (
    _Slow,
    CellError,
    ValueError,
    TypeError,
    AttributeError,
    ArithmeticError,
)


def _filled(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or cell.strip() != "")


def _as_utf8(text: str) -> str:
    """What UTF-8 text read as Windows-1250 says, for the error message."""
    try:
        return text.encode(CP1250, errors="replace").decode(UTF8, errors="replace")
    except UnicodeEncodeError:
        return text


def _encoding_label(info: FileInfo) -> str:
    return {UTF8: "UTF-8", UTF8_BOM: "UTF-8", CP1250: "Windows-1250"}.get(
        info.encoding, info.encoding
    )


def _positions(header: list[str], columns: Sequence[Column]) -> list[int | None]:
    index = {name: pos for pos, name in enumerate(header)}
    return [index.get(col.name) for col in columns]


def open_table(
    source: str | Path | IO[bytes],
    columns: Sequence[Column],
    *,
    file_name: str | None = None,
    log: ProblemLog | None = None,
    encoding: str | None = None,
) -> Table:
    """Open a CSV or XLSX file and check its header against ``columns``.

    Raises FileRejected when the file cannot be read at all (empty, unknown
    format, header without the required columns); the reasons are in ``log``.
    Unknown columns are warnings and are ignored.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        stream: IO[bytes] = path.open("rb")
        name = file_name or path.name
    else:
        stream = source
        name = file_name or getattr(source, "name", "file")
    log = log if log is not None else ProblemLog(file=name)
    try:
        return _open(stream, columns, name, log, encoding)
    except BaseException:
        stream.close()
        raise


def _open(
    stream: IO[bytes],
    columns: Sequence[Column],
    name: str,
    log: ProblemLog,
    encoding: str | None,
) -> Table:
    info = FileInfo(name=name)
    start = stream.tell()
    stream.seek(0, io.SEEK_END)
    info.size = stream.tell() - start
    stream.seek(start)
    head = stream.read(SNIFF_BYTES)
    stream.seek(start)
    if not head.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        log.error(
            1,
            None,
            _("the file is empty (0 bytes)")
            if not head
            else _("the file is empty: it has no header line"),
        )
        raise FileRejected
    if head.startswith(b"PK\x03\x04"):
        return _open_xlsx(stream, columns, info, log)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        log.error(1, None, _("old Excel files (.xls) cannot be read: save as XLSX"))
        raise FileRejected
    return _open_csv(stream, head, columns, info, log, encoding)


def _open_csv(
    stream: IO[bytes],
    head: bytes,
    columns: Sequence[Column],
    info: FileInfo,
    log: ProblemLog,
    encoding: str | None,
) -> Table:
    if encoding:
        encoding = normalise_encoding(encoding)
        info.encoding_given = True
    else:
        encoding = detect_encoding(head)
    if encoding == UTF8 and head.startswith(codecs.BOM_UTF8):
        encoding = UTF8_BOM
    info.encoding = encoding
    decode_errors_before = _decode_errors()
    text = io.TextIOWrapper(
        stream, encoding=encoding, errors="ledger_import", newline=""
    )
    first = text.readline(MAX_LINE_CHARS + 1)
    if len(first) > MAX_LINE_CHARS:
        log.error(1, None, _("the header line is too long: is this a CSV file?"))
        raise FileRejected
    info.separator = _sniff_separator(first, columns, log)
    header = next(csv.reader([first], delimiter=info.separator))
    _check_header(header, columns, info, log)

    def raw_rows() -> Iterator[tuple[int, list[str]]]:
        csv.field_size_limit(MAX_FIELD_CHARS)
        lines = _physical_lines(text, log, info)
        reader = csv.reader(lines, delimiter=info.separator, strict=True)
        last = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                log.error(
                    last + 1,
                    None,
                    _("the line cannot be read as CSV (%(reason)s); reading stopped")
                    % {"reason": exc},
                )
                return
            line = last + 1
            # The header is line 1; reader.line_num counts the lines after it.
            last = reader.line_num + 1
            yield line, cells

    table = Table(info=info, columns=columns, log=log, _rows=raw_rows)
    table.decode_errors_before = decode_errors_before
    table.bytes_read = stream.tell
    table._close = text.close
    return table


def _sniff_separator(first: str, columns: Sequence[Column], log: ProblemLog) -> str:
    """The separator that splits the header into the most known column names."""
    known = {col.name for col in columns}
    best, best_score = "", 0
    for separator in SEPARATORS:
        names = next(csv.reader([first], delimiter=separator), [])
        score = sum(1 for n in names if normalise_header(n) in known)
        if score > best_score:
            best, best_score = separator, score
    if best:
        return best
    for separator, label in (("\t", "TAB"), ("|", "|")):
        names = first.split(separator)
        if sum(1 for n in names if normalise_header(n) in known) > 1:
            log.error(
                1,
                None,
                _(
                    "columns are separated by %(found)s; use a semicolon (;) "
                    "or a comma (,)"
                )
                % {"found": label},
            )
            raise FileRejected
    log.error(
        1,
        1,
        _(
            "the first line is not a header this import knows: expected columns "
            "%(columns)s separated by ; or ,"
        )
        % {"columns": ", ".join(col.name for col in columns)},
    )
    raise FileRejected


def _check_header(
    header: list[Any], columns: Sequence[Column], info: FileInfo, log: ProblemLog
) -> None:
    names = [normalise_header(n) for n in header]
    # Trailing empty header cells (a separator at the end of the line, an XLSX
    # sheet with formatted empty columns) are not columns.
    while names and not names[-1]:
        names.pop()
    info.header = names
    known = {col.name for col in columns}
    seen: dict[str, int] = {}
    rejected = False
    for pos, name in enumerate(names, start=1):
        if not name:
            log.error(1, pos, _("the header has an empty column name"))
            rejected = True
        elif name in seen:
            log.error(
                1,
                pos,
                _("column %(column)s appears twice (also column %(other)d)")
                % {"column": name, "other": seen[name]},
                name,
            )
            rejected = True
        else:
            seen[name] = pos
            if name not in known:
                info.unknown_columns.append(name)
                log.warn(
                    1,
                    pos,
                    _("unknown column %(column)s is ignored") % {"column": name},
                    name,
                )
    for col in columns:
        if col.header_required and col.name not in seen:
            log.error(
                1,
                None,
                _("required column %(column)s is missing") % {"column": col.name},
                col.name,
            )
            rejected = True
    if rejected:
        raise FileRejected


def _sheet_with_header(workbook: Any, columns: Sequence[Column]) -> str | None:
    """The title of a sheet after the first whose first row has every required
    column of this kind, if there is one."""
    required = {col.name for col in columns if col.header_required}
    for sheet in workbook.worksheets[1:]:
        first = next(sheet.iter_rows(max_row=1, values_only=True), None) or ()
        if required <= {normalise_header(cell) for cell in first}:
            return sheet.title
    return None


def _open_xlsx(
    stream: IO[bytes], columns: Sequence[Column], info: FileInfo, log: ProblemLog
) -> Table:
    import openpyxl  # imported here: only XLSX uploads pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    info.format = "xlsx"
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
    ) as exc:
        log.error(
            1, None, _("the XLSX file cannot be read: %(reason)s") % {"reason": exc}
        )
        raise FileRejected from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    first = next(rows, None)
    header_log = ProblemLog(file=log.file, cap=log.cap)
    try:
        if first is None or not any(_filled(c) for c in first):
            header_log.error(1, None, _("the file is empty: it has no header line"))
            raise FileRejected
        _check_header(list(first), columns, info, header_log)
    except FileRejected:
        other = _sheet_with_header(workbook, columns)
        workbook.close()
        if other is not None:
            # One clear hint instead of a "missing column" for every column.
            log.error(
                1,
                None,
                _(
                    "the data is on the sheet %(sheet)r, but the import reads only "
                    "the first sheet (%(first)r): move that sheet to the first "
                    "place, or delete the sheets before it"
                )
                % {"sheet": other, "first": sheet.title},
            )
        else:
            log.errors.extend(header_log.errors)
            log.error_count += header_log.error_count
            log.warnings.extend(header_log.warnings)
        raise FileRejected from None
    log.warnings.extend(header_log.warnings)
    width = len(info.header)

    def raw_rows() -> Iterator[tuple[int, list[Any]]]:
        for line, row in enumerate(rows, start=2):
            cells = list(row[:width])
            if len(cells) < width:
                cells.extend([None] * (width - len(cells)))
            elif any(_filled(c) for c in row[width:]):
                cells = list(row)  # values beyond the header: reported as such
            yield line, cells

    table = Table(info=info, columns=columns, log=log, _rows=raw_rows)
    table.bytes_read = lambda: 0
    table._close = workbook.close
    return table
