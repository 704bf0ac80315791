"""The file-reading layer, without a database: encodings, separators, values."""

import datetime as dt
import io
from decimal import Decimal

from django.utils import translation

import openpyxl
import pytest

from ledger.imports import parsing
from ledger.imports.parsing import (
    Boolean,
    CellError,
    Choice,
    Column,
    Date,
    FileRejected,
    Key,
    Month,
    Number,
    ProblemLog,
    Text,
    detect_encoding,
    open_table,
)

COLUMNS = [
    Column("external_id", Key()),
    Column("unit", Key()),
    Column("booked_on", Date()),
    Column("amount", Number()),
    Column("description", Text(max_length=100), required=False),
]


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English here; the Polish catalogue has its own test."""
    with translation.override("en"):
        yield


def read(data: bytes, columns=COLUMNS, name="ledger.csv", **kwargs):
    """Rows and the problem log of a file given as bytes."""
    log = ProblemLog(file=name)
    try:
        with open_table(
            io.BytesIO(data), columns, file_name=name, log=log, **kwargs
        ) as t:
            rows = list(t.rows())
            info = t.info
    except FileRejected:
        return None, log, None
    return rows, log, info


def messages(log):
    return [str(p) for p in log.errors]


def test_semicolon_utf8_with_decimal_comma_and_polish_dates():
    data = (
        "external_id;unit;booked_on;amount;description\n"
        "E1;U-001;31.01.2026;-1 234,56;Opłata eksploatacyjna\n"
        "E2;U-002;2026-02-28;12.5;Wpłata\n"
    ).encode()
    rows, log, info = read(data)
    assert log.ok, messages(log)
    assert info.separator == ";" and info.encoding == "utf-8"
    assert rows == [
        (
            2,
            (
                "E1",
                "U-001",
                dt.date(2026, 1, 31),
                Decimal("-1234.56"),
                "Opłata eksploatacyjna",
            ),
        ),
        (3, ("E2", "U-002", dt.date(2026, 2, 28), Decimal("12.50"), "Wpłata")),
    ]


def test_comma_separated_file_with_quoted_decimal_comma():
    data = b'external_id,unit,booked_on,amount\r\nE1,U1,2026-01-05,"10,00"\r\n'
    rows, log, info = read(data)
    assert log.ok, messages(log)
    assert info.separator == ","
    assert rows[0][1][3] == Decimal("10.00")


def test_utf8_bom_and_windows_1250_are_recognised():
    text = (
        "external_id;unit;booked_on;amount;description\nE1;U1;2026-01-05;1;Żółć gęślą\n"
    )
    rows, log, info = read(b"\xef\xbb\xbf" + text.encode())
    assert log.ok and info.encoding == "utf-8-sig"
    assert rows[0][1][4] == "Żółć gęślą"
    rows, log, info = read(text.encode("cp1250"))
    assert log.ok and info.encoding == "cp1250"
    assert rows[0][1][4] == "Żółć gęślą"


def test_header_is_matched_regardless_of_case_order_and_spaces():
    data = b" Amount ;UNIT;external_id;booked_on\n5;U1;E1;2026-01-01\n"
    rows, log, _info = read(data)
    assert log.ok
    assert rows == [(2, ("E1", "U1", dt.date(2026, 1, 1), Decimal("5.00"), None))]


def test_unknown_columns_are_reported_as_warnings_and_ignored():
    data = b"external_id;unit;booked_on;amount;vat\nE1;U1;2026-01-01;5;23\n"
    rows, log, info = read(data)
    assert log.ok and len(rows) == 1
    assert info.unknown_columns == ["vat"]
    assert [str(w) for w in log.warnings] == [
        "ledger.csv:1:5: unknown column vat is ignored"
    ]


def test_missing_required_column_rejects_the_file_naming_the_column():
    rows, log, _info = read(b"external_id;unit;booked_on\nE1;U1;2026-01-01\n")
    assert rows is None
    assert messages(log) == ["ledger.csv:1: required column amount is missing"]
    assert log.errors[0].column_name == "amount"


def test_tab_separated_file_is_refused_with_a_hint():
    rows, log, _info = read(
        b"external_id\tunit\tbooked_on\tamount\nE1\tU1\t2026-01-01\t1\n"
    )
    assert rows is None
    assert "separated by TAB" in messages(log)[0]
    assert messages(log)[0].startswith("ledger.csv:1:")


def test_row_with_a_different_separator_names_line_and_column():
    data = (
        b"external_id;unit;booked_on;amount\nE1;U1;2026-01-01;1\nE2,U2,2026-01-02,2\n"
    )
    rows, log, _info = read(data)
    assert len(rows) == 1
    assert messages(log) == [
        "ledger.csv:3:2: the line has 1 fields but the header has 4 "
        "(is the separator ';'?); column unit is missing"
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12,5x", "'12,5x' is not a number"),
        ("1.234,56", "'1.234,56' is not a number"),
        ("1,234", "'1,234' has more than 2 decimal places"),
        ("12345678901", "'12345678901' is too large"),
    ],
)
def test_bad_amounts_name_line_and_column(raw, message):
    data = f"external_id;unit;booked_on;amount\nE1;U1;2026-01-01;{raw}\n".encode()
    rows, log, _info = read(data)
    assert rows == []
    assert messages(log) == [f"ledger.csv:2:4: amount: {message}"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0", Decimal("0.00")),
        ("+0,01", Decimal("0.01")),
        ("1\u00a0234,5", Decimal("1234.50")),
        ("9999999999,99", Decimal("9999999999.99")),
        ("-007", Decimal("-7.00")),
    ],
)
def test_amounts_forgive_formatting(raw, expected):
    assert Number().parse(raw) == expected


@pytest.mark.parametrize("raw", ["31.02.2026", "2026-13-01", "1/2/2026", "2026.01.01"])
def test_bad_dates_are_errors(raw):
    with pytest.raises(CellError):
        Date().parse(raw)


def test_dates_and_months_in_both_spellings():
    assert Date().parse("5.1.2026") == dt.date(2026, 1, 5)
    assert Date().parse("2026-01-05") == dt.date(2026, 1, 5)
    assert Month().parse("2026-03") == dt.date(2026, 3, 1)
    assert Month().parse("03.2026") == dt.date(2026, 3, 1)
    with pytest.raises(CellError):
        Month().parse("2026-13")


def test_choice_and_boolean_accept_codes_and_polish_words():
    kind = Choice(codes=("charge", "payment"), aliases=(("naliczenie", "charge"),))
    assert kind.parse("Naliczenie") == "charge"
    assert kind.parse("PAYMENT") == "payment"
    with pytest.raises(CellError, match="not one of: charge, payment"):
        kind.parse("refund")
    assert Boolean().parse("Tak") is True and Boolean().parse("0") is False


def test_key_refuses_spaces():
    with pytest.raises(CellError):
        Key().parse("U 1")


def test_required_value_missing_and_every_error_is_listed():
    data = b"external_id;unit;booked_on;amount\nE1;;2026-01-01;x\nE2;U2;bad;1\n"
    rows, log, _info = read(data)
    assert rows == []
    assert messages(log) == [
        "ledger.csv:2:2: unit: a value is required",
        "ledger.csv:2:4: amount: 'x' is not a number",
        "ledger.csv:3:3: booked_on: 'bad' is not a date (use YYYY-MM-DD or DD.MM.YYYY)",
    ]


def test_error_list_is_capped_but_all_are_counted():
    body = "".join(f"E{i};U1;2026-01-01;x\n" for i in range(300))
    rows, log, _info = read(("external_id;unit;booked_on;amount\n" + body).encode())
    assert rows == []
    assert len(log.errors) == 200 and log.error_count == 300 and log.truncated == 100


def test_broken_utf8_bytes_are_reported_at_their_cell():
    good = "".join(f"E{i};U1;2026-01-01;1;Wpłata ąę\n" for i in range(400))
    data = (
        "external_id;unit;booked_on;amount;description\n" + good
    ).encode() + b"E999;U1;2026-01-01;1;Op\xb3ata\n"
    rows, log, info = read(data)
    assert info.encoding == "utf-8"
    assert len(rows) == 400
    assert messages(log) == [
        "ledger.csv:402:5: description: bytes that are not valid UTF-8, although "
        "the file began as UTF-8 or plain ASCII; if the file was saved as "
        "Windows-1250, choose that encoding (--encoding cp1250), or save the "
        "whole file as UTF-8"
    ]


def test_detect_encoding():
    assert detect_encoding("zażółć".encode()) == "utf-8"
    assert detect_encoding("zażółć".encode("cp1250")) == "cp1250"
    assert detect_encoding(b"\xef\xbb\xbfabc") == "utf-8-sig"
    assert detect_encoding("ą".encode()[:1]) == "utf-8"  # cut in half by the sample


def test_zero_byte_empty_and_header_only_files():
    rows, log, _ = read(b"")
    assert messages(log) == ["ledger.csv:1: the file is empty (0 bytes)"]
    rows, log, _ = read(b"\xef\xbb\xbf\r\n\r\n")
    assert messages(log) == ["ledger.csv:1: the file is empty: it has no header line"]
    rows, log, _ = read(b"external_id;unit;booked_on;amount\r\n")
    assert rows == []
    assert messages(log) == ["ledger.csv:2: the file has a header but no data rows"]


def test_blank_lines_and_empty_rows_are_skipped():
    data = b"external_id;unit;booked_on;amount\n\nE1;U1;2026-01-01;1\n;;;\n\n"
    rows, log, _ = read(data)
    assert log.ok and [line for line, _v in rows] == [3]


def test_huge_field_is_refused_before_it_is_read_whole():
    data = (
        b"external_id;unit;booked_on;amount;description\n"
        b"E1;U1;2026-01-01;1;" + b"x" * (parsing.MAX_LINE_CHARS + 10) + b"\n"
        b"E2;U1;2026-01-01;1;ok\n"
    )
    rows, log, _ = read(data)
    assert rows == []
    assert messages(log) == [
        "ledger.csv:2:5: description: the line is longer than 65536 characters; "
        "reading stopped"
    ]


def test_runaway_quote_is_stopped_by_the_field_limit():
    data = (
        b'external_id;unit;booked_on;amount;description\nE1;U1;2026-01-01;1;"open\n'
        + (b"x" * 1000 + b"\n") * 100
    )
    rows, log, _ = read(data)
    assert rows == []
    assert len(log.errors) == 1
    assert log.errors[0].line == 2 and "cannot be read as CSV" in log.errors[0].message


def test_text_longer_than_the_column_allows():
    data = (
        "external_id;unit;booked_on;amount;description\nE1;U1;2026-01-01;1;" + "y" * 101
    ).encode()
    rows, log, _ = read(data)
    assert messages(log) == [
        "ledger.csv:2:5: description: text is 101 characters long, at most 100 allowed"
    ]


def test_formula_protection_round_trips():
    text = Text()
    for value in ["=SUM(A1)", "-5", "'quoted", "plain", "@x"]:
        assert text.parse(text.format(value)) == value
    assert text.format("=1+1") == "'=1+1"


def xlsx_bytes(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_native_numbers_and_dates():
    data = xlsx_bytes(
        [
            ["external_id", "unit", "booked_on", "amount", "description"],
            ["E1", 101, dt.datetime(2026, 1, 31), 12.3, "Opłata"],
            [None, None, None, None, None],
            ["E2", "U2", "05.02.2026", "-1,5", None],
            ["E3", "U3", dt.datetime(2026, 1, 31), 0.125, None],
        ]
    )
    rows, log, info = read(data, name="ledger.xlsx")
    assert info.format == "xlsx"
    assert rows == [
        (2, ("E1", "101", dt.date(2026, 1, 31), Decimal("12.30"), "Opłata")),
        (4, ("E2", "U2", dt.date(2026, 2, 5), Decimal("-1.50"), None)),
    ]
    assert messages(log) == [
        "ledger.xlsx:5:4: amount: 0.125 has more than 2 decimal places"
    ]


def test_xlsx_missing_column_and_garbage_zip():
    rows, log, _ = read(
        xlsx_bytes([["external_id", "unit"], ["E1", "U1"]]), name="a.xlsx"
    )
    assert rows is None
    assert "required column booked_on is missing" in messages(log)[0]
    rows, log, _ = read(b"PK\x03\x04garbage", name="b.xlsx")
    assert rows is None and "cannot be read" in messages(log)[0]


def test_rows_are_streamed_not_loaded_whole():
    """The reader pulls lines lazily: after one row only a buffer's worth is read."""
    body = b"".join(b"E%d;U1;2026-01-01;1\n" % i for i in range(200_000))
    stream = io.BytesIO(b"external_id;unit;booked_on;amount\n" + body)
    table = open_table(stream, COLUMNS, file_name="big.csv")
    rows = table.rows()
    next(rows)
    assert table.bytes_read() < 64 * 1024
    assert sum(1 for _ in rows) == 199_999


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    rows, log, _ = read(buffer.getvalue(), name="umowa.xlsx")
    assert rows is None
    assert messages(log)[0].startswith("umowa.xlsx:1: the XLSX file cannot be read")
