"""Property tests: any valid rows, written in any of the accepted spellings,
survive import → export → import unchanged."""

import csv
import datetime as dt
import io
import string
from decimal import Decimal

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.imports.exporting import data_export
from ledger.imports.parsing import Text
from ledger.imports.services import data_import_run
from ledger.models import DataImport, LedgerEntry, Party

UNITS = ["L-CHA52-01", "L-CHA52-02", "L-KOS12-03", "L-BUD4-G05"]
COMPONENTS = ["EKSPL", "FR", "ZW", "CO", "ODPADY", "ZARZ"]
KEY_CHARS = string.ascii_uppercase + string.digits + "-/_."
# Polish letters, punctuation that CSV must quote, formula starters, quotes.
TEXT_CHARS = (
    string.ascii_letters + string.digits + " ąćęłńóśźżĄĆĘŁŃÓŚŹŻ;,.\"'=+-@/()–\n"
)
HEADER = [
    "external_id",
    "unit",
    "booking_date",
    "period",
    "due_date",
    "kind",
    "component",
    "debit",
    "credit",
    "document_number",
    "description",
]

texts = lambda n: st.text(TEXT_CHARS, max_size=n).map(str.strip)  # noqa: E731


@st.composite
def entries(draw):
    kind = draw(
        st.sampled_from(["charge", "payment", "correction", "interest", "settlement"])
    )
    size = draw(st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2))
    if kind in ("charge", "interest"):
        amount = -size
    elif kind == "payment":
        amount = size
    else:
        amount = draw(st.sampled_from([size, -size]))
    period = draw(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 1)))
    return {
        "external_id": draw(st.text(KEY_CHARS, min_size=1, max_size=64)),
        "unit": draw(st.sampled_from(UNITS)),
        "booking_date": draw(st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))),
        "period": period.replace(day=1),
        "due_date": draw(
            st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))
        ),
        "kind": kind,
        "component": draw(st.none() | st.sampled_from(COMPONENTS)),
        "amount": amount + Decimal("0.00"),
        "document_number": draw(texts(50)),
        "description": draw(texts(300)),
    }


styles = st.fixed_dictionaries(
    {
        "separator": st.sampled_from([";", ","]),
        "comma": st.booleans(),
        "polish_dates": st.booleans(),
        "encoding": st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "xlsx"]),
        "crlf": st.booleans(),
    }
)


def spell_amount(value, style):
    text = format(value, "f")
    return text.replace(".", ",") if style["comma"] else text


def spell_date(value, style):
    if value is None:
        return ""
    return value.strftime("%d.%m.%Y") if style["polish_dates"] else value.isoformat()


def cells(entry, style):
    amount = entry["amount"]
    debit = (
        -amount if amount < 0 or (amount == 0 and entry["kind"] != "payment") else None
    )
    credit = amount if debit is None else None
    return [
        entry["external_id"],
        entry["unit"],
        spell_date(entry["booking_date"], style),
        entry["period"].strftime("%m.%Y" if style["polish_dates"] else "%Y-%m"),
        spell_date(entry["due_date"], style),
        entry["kind"],
        entry["component"] or "",
        "" if debit is None else spell_amount(debit, style),
        "" if credit is None else spell_amount(credit, style),
        Text().format(entry["document_number"]),
        Text().format(entry["description"]),
    ]


def write(path, rows, style):
    if style["encoding"] == "xlsx":
        workbook = openpyxl.Workbook()
        workbook.active.append(HEADER)
        for row in rows:
            workbook.active.append(row)
        workbook.save(path)
        return
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=style["separator"],
        lineterminator="\r\n" if style["crlf"] else "\n",
    )
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(style["encoding"]))


def stored():
    return sorted(
        LedgerEntry.objects.values_list(
            "external_id",
            "unit__code",
            "booking_date",
            "period",
            "due_date",
            "kind",
            "component__code",
            "amount",
            "document_number",
            "description",
        )
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batch=st.lists(
        entries(), min_size=1, max_size=25, unique_by=lambda e: e["external_id"]
    ),
    style=styles,
)
def test_random_ledger_rows_survive_import_export_import(
    structure, tmp_path, batch, style
):
    LedgerEntry.objects.all().delete()
    DataImport.objects.filter(kind="ledger").delete()
    if style["encoding"] == "cp1250":
        try:
            "".join(e["description"] + e["document_number"] for e in batch).encode(
                "cp1250"
            )
        except UnicodeEncodeError:
            style = {**style, "encoding": "utf-8"}
    source = tmp_path / ("source.xlsx" if style["encoding"] == "xlsx" else "source.csv")
    write(source, [cells(e, style) for e in batch], style)

    first = data_import_run(kind="ledger", path=source)
    assert first.ok, [str(p) for p in first.errors]
    assert first.inserted == len(batch)
    expected = sorted(tuple(e.values()) for e in batch)
    assert stored() == expected

    exported = tmp_path / "exported.csv"
    with exported.open("w", encoding="utf-8", newline="") as stream:
        assert data_export(kind="ledger", stream=stream) == len(batch)
    again = data_import_run(kind="ledger", path=exported)

    assert again.ok, [str(p) for p in again.errors]
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(batch))
    assert stored() == expected


@st.composite
def parties(draw):
    return (
        draw(st.text(string.digits, min_size=1, max_size=20)),
        draw(texts(200).filter(bool)),
        draw(st.sampled_from(["", "anna.kowalska@example.pl", "biuro@sm-opole.pl"])),
        draw(texts(40)),
        draw(texts(300)),
        draw(st.sampled_from(["", "45-221", "00-001"])),
        draw(texts(100)),
    )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batch=st.lists(parties(), min_size=1, max_size=15, unique_by=lambda p: p[0]))
def test_random_parties_survive_import_export_import(db, tmp_path, batch):
    Party.objects.all().delete()
    DataImport.objects.all().delete()
    source = tmp_path / "parties.csv"
    with source.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(
            ["number", "name", "email", "phone", "address", "postal_code", "city"]
        )
        writer.writerows([[Text().format(v) for v in party] for party in batch])
    assert data_import_run(kind="parties", path=source).inserted == len(batch)
    fields = ("number", "name", "email", "phone", "address", "postal_code", "city")
    first = sorted(Party.objects.values_list(*fields))
    assert first == sorted(batch)
    exported = tmp_path / "exported.csv"
    with exported.open("w", encoding="utf-8", newline="") as stream:
        data_export(kind="parties", stream=stream)
    again = data_import_run(kind="parties", path=exported)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, len(batch))
    assert sorted(Party.objects.values_list(*fields)) == first
