"""Malformed files: each is refused with an error naming file, line and column,
and the database stays byte-for-byte as it was."""

import io

from django.utils import translation

import openpyxl
import pytest

from ledger.imports.services import data_import_run
from ledger.models import DataImport

from .conftest import fingerprint

HEADER = (
    "external_id;unit;booking_date;period;due_date;kind;component;debit;credit;"
    "document_number;description\n"
)
GOOD = (
    "KF-9-1;L-CHA52-01;2026-03-01;2026-03;2026-03-10;charge;EKSPL;158,90;;NO/1;Opłata\n"
)


def row(external_id="KF-9-2", unit="L-CHA52-01", debit="10,00", description="Wpłata"):
    return (
        f"{external_id};{unit};2026-03-02;2026-03;;charge;EKSPL;{debit};;NO/2;"
        f"{description}\n"
    )


CASES = {
    "wrong separator (TAB)": (
        HEADER.replace(";", "\t") + GOOD.replace(";", "\t"),
        "utf-8",
        ["{f}:1: columns are separated by TAB; use a semicolon (;) or a comma (,)"],
    ),
    "wrong separator in a row": (
        HEADER + GOOD + row().replace(";", ","),
        "utf-8",
        [
            "{f}:3:2: the line has 1 fields but the header has 11 (is the separator "
            "';'?); column unit is missing"
        ],
    ),
    "broken encoding": (
        (HEADER + GOOD * 0 + "".join(row(f"KF-9-{i}") for i in range(10, 40))).encode()
        + row("KF-9-99", description="Op\udcb3ata").encode("utf-8", "surrogateescape"),
        None,
        [
            "{f}:32:11: description: bytes that are not valid UTF-8, although the "
            "file began as UTF-8 or plain ASCII; if the file was saved as "
            "Windows-1250, choose that encoding (--encoding cp1250), or save the "
            "whole file as UTF-8"
        ],
    ),
    "missing column": (
        HEADER.replace("unit;", "") + GOOD.replace("L-CHA52-01;", ""),
        "utf-8",
        ["{f}:1: required column unit is missing"],
    ),
    "non-numeric amount": (
        HEADER + GOOD + row(debit="12,5x"),
        "utf-8",
        ["{f}:3:8: debit: '12,5x' is not a number"],
    ),
    "unknown unit key": (
        HEADER + GOOD + row(unit="L-NOWHERE-1"),
        "utf-8",
        ["{f}:3:2: unit: there is no unit with code L-NOWHERE-1 (import units first)"],
    ),
    "duplicate key in one file": (
        HEADER + GOOD + row() + row(),
        "utf-8",
        [
            "{f}:4:1: external_id: KF-9-2 appears more than once in the file "
            "(first on line 3)"
        ],
    ),
    "empty file": (
        "\r\n\r\n",
        "utf-8",
        ["{f}:1: the file is empty: it has no header line"],
    ),
    "0-byte file": (b"", None, ["{f}:1: the file is empty (0 bytes)"]),
    "header only": (HEADER, "utf-8", ["{f}:2: the file has a header but no data rows"]),
    "huge field": (
        HEADER + GOOD + row(description="x" * 70_000),
        "utf-8",
        [
            "{f}:3:11: description: the line is longer than 65536 characters; "
            "reading stopped"
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_malformed_file_is_refused_and_changes_nothing(case, books, write_file):
    content, encoding, expected = CASES[case]
    path = write_file("ksiegowania.csv", content, encoding or "utf-8")
    before = fingerprint()

    with translation.override("en"):
        result = data_import_run(kind="ledger", path=path)

    assert result.status == DataImport.Status.FAILED
    assert [str(p) for p in result.errors] == [
        e.format(f="ksiegowania.csv") for e in expected
    ]
    assert (result.inserted, result.updated, result.removed) == (0, 0, 0)
    assert fingerprint() == before
    record = DataImport.objects.get(pk=result.data_import_id)
    assert record.status == DataImport.Status.FAILED
    assert record.file_name == "ksiegowania.csv"
    assert [e["message"] for e in record.errors] == [p.message for p in result.errors]


def test_errors_are_in_polish_for_the_accountant(books, write_file):
    path = write_file("k.csv", HEADER + GOOD + row(debit="abc"))
    with translation.override("pl"):
        result = data_import_run(kind="ledger", path=path)
    assert str(result.errors[0]) == "k.csv:3:8: debit: 'abc' nie jest liczbą"


def test_every_error_of_the_file_is_listed_not_only_the_first(books, write_file):
    content = HEADER + GOOD + row(debit="x") + row("KF-9-3", unit="L-X") + row("KF-9-1")
    path = write_file("k.csv", content)
    before = fingerprint()
    with translation.override("en"):
        result = data_import_run(kind="ledger", path=path)
    assert [(p.line, p.column) for p in result.errors] == [(3, 8), (4, 2), (5, 1)]
    assert fingerprint() == before


def test_error_list_is_capped_and_the_rest_counted(books, write_file):
    content = HEADER + "".join(row(f"KF-{i}", debit="x") for i in range(250))
    path = write_file("k.csv", content)
    result = data_import_run(kind="ledger", path=path)
    assert len(result.errors) == 200 and result.error_count == 250
    record = DataImport.objects.get(pk=result.data_import_id)
    assert len(record.errors) == 201
    assert "50" in record.errors[-1]["message"]


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for values in rows:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_malformed_xlsx_is_refused_at_its_cell(books, write_file):
    header = HEADER.strip().split(";")
    good = [
        "KF-9-1",
        "L-CHA52-01",
        "2026-03-01",
        "2026-03",
        None,
        "charge",
        "EKSPL",
        158.9,
        None,
        "NO/1",
        "Opłata",
    ]
    bad = list(good)
    bad[0], bad[7] = "KF-9-2", "dużo"
    path = write_file("k.xlsx", xlsx([header, good, bad]))
    before = fingerprint()
    with translation.override("en"):
        result = data_import_run(kind="ledger", path=path)
    assert [str(p) for p in result.errors] == [
        "k.xlsx:3:8: debit: 'dużo' is not a number"
    ]
    assert fingerprint() == before
