"""Issue 13: the books are never wrong. Every file is built here and imported
through ``manage.py import_data``, the command the accountant runs; the module
runs on SQLite and, with DATABASE_URL set, on PostgreSQL (the COPY path)."""

import datetime as dt
import io
import threading

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone, translation

import pytest

from ledger.imports.services import data_import_run
from ledger.models import DataImport, LedgerEntry, Membership, Meter, Party, Unit
from ledger.queries.balances import last_import_at

from .conftest import SAMPLES, fingerprint, run

LEDGER_HEADER = (
    "external_id;unit;booking_date;period;due_date;kind;component;debit;credit;"
    "document_number;description\n"
)
# A line of docs/samples/ledger.csv, stored by the books fixture.
STORED = (
    "KF-2026-000101;L-CHA52-01;2026-01-01;2026-01;2026-01-10;charge;EKSPL;158,90;;"
    "NO/2026/01/0101;Eksploatacja 01/2026\n"
)


def import_data(*args, language: str = "en") -> tuple[int, str, str]:
    """Run ``manage.py import_data ARGS``; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with translation.override(language):
        try:
            call_command("import_data", *map(str, args), stdout=out, stderr=err)
        except CommandError as exc:
            code = exc.returncode
            err.write(f"{exc}\n")
    return code, out.getvalue(), err.getvalue()


def error_lines(stderr: str) -> list[str]:
    """The file:line:column lines of the command's error output."""
    return [
        line
        for line in stderr.splitlines()
        if line.startswith(("k.csv", "k.xlsx")) and "warning" not in line
    ]


# -- 1. A key repeated in the file, the first time equal to the stored row --------


def test_a_repeated_stored_key_is_refused_with_its_line(books, write_file):
    changed = STORED.replace("158,90", "999,99")
    path = write_file("k.csv", LEDGER_HEADER + STORED + changed)
    before = fingerprint()

    code, _out, err = import_data("ledger", path)

    assert code == 1
    assert error_lines(err) == [
        "k.csv:3:1: external_id: KF-2026-000101 appears more than once in the file "
        "(first on line 2)"
    ]
    assert fingerprint() == before
    entry = LedgerEntry.objects.get(external_id="KF-2026-000101")
    assert str(entry.amount) == "-158.90"


# -- 2. "Already imported" knows the kind, the source, the range, the encoding --------


def test_the_same_file_from_another_source_is_imported(books):
    path = SAMPLES / "ledger.csv"
    count = LedgerEntry.objects.filter(source="fk").count()

    code, out, _err = import_data("ledger", path, "--source", "fk2")

    assert code == 0 and "already imported" not in out
    assert LedgerEntry.objects.filter(source="fk2").count() == count


def test_a_full_period_replace_of_the_last_file_removes_a_stray_entry(books):
    entry = LedgerEntry.objects.get(external_id="KF-2026-000101")
    stray = LedgerEntry.objects.create(
        source="fk",
        external_id="KF-STRAY-1",
        unit=entry.unit,
        booking_date=entry.booking_date,
        period=entry.period,
        kind=entry.kind,
        amount=entry.amount,
    )

    code, out, _err = import_data(
        "ledger", SAMPLES / "ledger.csv", "--replace-period", "auto"
    )

    assert code == 0 and "already imported" not in out
    assert not LedgerEntry.objects.filter(pk=stray.pk).exists()
    assert "removed=1" in out


def test_a_file_of_one_kind_given_as_another_is_read_not_skipped(structure):
    code, out, err = import_data("units", SAMPLES / "estates.csv")

    assert code == 1 and "already imported" not in out
    assert "required column building is missing" in err


def test_the_same_run_again_is_already_imported_but_another_encoding_is_not(
    structure,
):
    path = SAMPLES / "parties.csv"
    code, out, _err = import_data("parties", path)
    assert code == 0 and "already imported: nothing to do" in out

    code, out, _err = import_data("parties", path, "--encoding", "utf-8")
    assert code == 0 and "already imported" not in out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_file_imported_twice_at_once_is_already_imported(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two imports at once need PostgreSQL's concurrent sessions")
    path = tmp_path / "estates.csv"
    path.write_bytes((SAMPLES / "estates.csv").read_bytes())
    results = []

    def one_run():
        try:
            results.append(data_import_run(kind="estates", path=path))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(result.ok for result in results), [r.errors for r in results]
    assert sorted(bool(r.already_imported) for r in results) == [False, True]
    assert DataImport.objects.filter(status=DataImport.Status.SUCCEEDED).count() == 1


# -- 3./4. Mixed encodings and NUL, with line and column ------------------------------


PARTIES_HEADER = "number;name;email;phone;address;postal_code;city\n"


def test_a_utf8_line_in_a_windows_1250_file_is_refused_at_its_cell(
    structure, write_file
):
    content = (
        PARTIES_HEADER.encode("cp1250")
        + "300001;Zofia Żółta;;;ul. Łąkowa 1;45-221;Opole\n".encode("cp1250")
        + "300002;Ewa Wiśniewska;;;ul. Różana 2;45-221;Opole\n".encode()
    )
    path = write_file("k.csv", content)
    before = fingerprint()

    code, _out, err = import_data("parties", path)

    assert code == 1
    assert error_lines(err) == [
        "k.csv:3:2: name: 'Ewa WiĹ›niewska' is UTF-8 text in a Windows-1250 file "
        "(it reads 'Ewa Wiśniewska' in UTF-8): the file mixes two encodings; save "
        "the whole file as UTF-8 or as Windows-1250",
        "k.csv:3:5: address: 'ul. RĂłĹĽana 2' is UTF-8 text in a Windows-1250 "
        "file (it reads 'ul. Różana 2' in UTF-8): the file mixes two encodings; "
        "save the whole file as UTF-8 or as Windows-1250",
    ]
    assert fingerprint() == before


def test_a_windows_1250_file_with_polish_capitals_is_not_taken_for_mojibake(
    structure, write_file
):
    content = PARTIES_HEADER + (
        "300003;WSPÓLNOTA MIESZKANIOWA „ŁĄKOWA”;;;ul. ŚWIĘTEGO ŁUKASZA 1;45-221;Opole\n"
    )
    path = write_file("k.csv", content, "cp1250")

    code, _out, err = import_data("parties", path)

    assert code == 0, err
    assert Party.objects.get(number="300003").name == "WSPÓLNOTA MIESZKANIOWA „ŁĄKOWA”"


@pytest.mark.parametrize("where", ["name", "address"])
def test_a_nul_character_is_refused_at_its_cell(structure, write_file, where):
    cells = {"name": "Anna Kowalska", "address": "ul. Chabrów 52/1"}
    cells[where] = cells[where][:4] + "\x00" + cells[where][4:]
    path = write_file(
        "k.csv",
        PARTIES_HEADER + f"300004;{cells['name']};;;{cells['address']};45-221;Opole\n",
    )
    before = fingerprint()

    code, _out, err = import_data("parties", path)

    column = {"name": 2, "address": 5}[where]
    assert code == 1
    assert error_lines(err) == [
        f"k.csv:2:{column}: {where}: text contains a NUL character (byte 0)"
    ]
    assert fingerprint() == before


# -- 5. Rules only the stored rows can tell, with the line ----------------------------


def test_a_new_unit_reusing_a_stored_building_and_number_is_refused(
    structure, write_file
):
    path = write_file(
        "k.csv",
        "code;building;number;kind\nL-CHA52-99;B-CHA52;99;flat\n"
        "L-NOWY-01;B-CHA52;1;flat\n",
    )
    before = fingerprint()

    code, _out, err = import_data("units", path)

    assert code == 1
    assert error_lines(err) == [
        "k.csv:3:2: building, number: the same as code L-CHA52-01, which the portal "
        "already has, but no two rows may share them"
    ]
    assert fingerprint() == before
    assert not Unit.objects.filter(code__in=["L-CHA52-99", "L-NOWY-01"]).exists()


def test_a_memberships_file_without_termination_date_cannot_make_a_terminated_member_active(  # noqa: E501
    books, write_file
):
    path = write_file(
        "k.csv",
        "member_number;party;admission_date;status\n"
        "C-004512;200101;2008-03-12;active\n"
        "C-006130;200104;2015-06-15;active\n",
    )
    before = fingerprint()

    code, _out, err = import_data("memberships", path)

    assert code == 1
    assert error_lines(err) == [
        "k.csv:3: termination_date: an active membership has no termination date "
        "(the file has no column termination_date; the portal keeps 2024-12-31 "
        "for this row)"
    ]
    assert fingerprint() == before
    assert Membership.objects.get(member_number="C-006130").status == "terminated"


def test_a_meters_file_cannot_move_installed_on_past_the_kept_removal(
    books, write_file
):
    path = write_file(
        "k.csv",
        "external_id;unit;kind;serial_number;unit_of_measure;installed_on\n"
        "WOD-0101-ZW-1;L-CHA52-01;cold_water;ZW-15-004512;m³;2022-01-01\n",
    )
    before = fingerprint()

    code, _out, err = import_data("meters", path)

    assert code == 1
    assert error_lines(err) == [
        "k.csv:2: removed_on: is before installed_on (the file has no column "
        "removed_on; the portal keeps 2021-03-14 for this row)"
    ]
    assert fingerprint() == before
    assert Meter.objects.get(external_id="WOD-0101-ZW-1").installed_on == dt.date(
        2015, 3, 15
    )


# -- 6. Trailing separators, unknown encodings, XLSX sheets, Polish -------------------


def test_lines_that_all_end_with_the_separator_are_accepted(structure, write_file):
    path = write_file(
        "k.csv",
        PARTIES_HEADER.replace("\n", ";\n")
        + "300005;Ewa Lis;;;ul. Lipowa 1;45-221;Opole;\n"
        + "300006;Adam Dąb;;;ul. Lipowa 2;45-221;Opole;\n",
    )

    code, out, err = import_data("parties", path)

    assert code == 0, err
    assert "inserted=2" in out
    assert Party.objects.get(number="300006").city == "Opole"


@pytest.mark.parametrize("encoding", ["latin-9x", "utf-16"])
def test_an_unknown_encoding_is_refused_up_front_with_exit_2(structure, encoding):
    runs = DataImport.objects.count()

    code, _out, err = import_data(
        "parties", SAMPLES / "parties.csv", "--encoding", encoding
    )

    assert code == 2
    assert f"--encoding: unknown encoding '{encoding}'" in err
    assert "Traceback" not in err
    assert DataImport.objects.count() == runs


def test_data_on_a_second_xlsx_sheet_gets_one_hint(structure, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Arkusz1"
    sheet = book.create_sheet("Dane")
    sheet.append(PARTIES_HEADER.strip().split(";"))
    sheet.append(["300007", "Ewa Lis", None, None, None, None, None])
    path = tmp_path / "k.xlsx"
    book.save(path)

    code, _out, err = import_data("parties", path)

    assert code == 1
    assert error_lines(err) == [
        "k.xlsx:1: the data is on the sheet 'Dane', but the import reads only the "
        "first sheet ('Arkusz1'): move that sheet to the first place, or delete "
        "the sheets before it"
    ]


def test_messages_are_polish_and_a_missing_value_names_its_column(
    structure, write_file
):
    path = write_file("k.csv", PARTIES_HEADER + "300008;;;;;;\n")

    code, _out, err = import_data("parties", path, language="pl")

    assert code == 1
    assert "k.csv:2:2: name: wartość jest wymagana" in err
    assert "import odrzucony" in err


# -- The same file gives the same errors on every database and path -------------------


def ten_errors() -> str:
    good = STORED.strip().split(";")

    def line(**cells) -> str:
        names = LEDGER_HEADER.strip().split(";")
        values = dict(zip(names, good, strict=True))
        values.update(cells)
        return ";".join(values[name] for name in names) + "\n"

    return LEDGER_HEADER + "".join(
        [
            line(external_id="E-01", debit="12,3x"),  # 2: not a number
            line(external_id="E-02", booking_date="2026-02-30"),  # 3: no such day
            line(external_id="E-03", unit="L-NIEMA"),  # 4: unknown unit
            line(external_id="E-04"),  # 5: fine, repeated on line 6
            line(external_id="E-04", debit="1,00"),  # 6: repeated key
            line(external_id="E-07", period=""),  # 7: required value missing
            line(external_id="E-08", kind="darowizna"),  # 8: not a kind
            line(external_id="E-09", kind="payment"),  # 9: payment as a debit
            line(external_id="E-10", debit="1,234"),  # 10: three decimals
            "E-11;L-CHA52-01;2026-01-01\n",  # 11: too few fields
            line(external_id="E-12", description="Opł\x00ata"),  # 12: NUL
            line(external_id="E 13"),  # 13: a key with a space
            line(component="NIEMA"),  # 14: stored key, unknown component
        ]
    )


TEN_ERRORS = [
    "k.csv:2:8: debit: '12,3x' is not a number",
    "k.csv:3:3: booking_date: '2026-02-30' is not a valid date",
    "k.csv:4:2: unit: there is no unit with code L-NIEMA (import units first)",
    "k.csv:6:1: external_id: E-04 appears more than once in the file (first on line 5)",
    "k.csv:7:4: period: a value is required",
    "k.csv:8:6: kind: 'darowizna' is not one of: charge, payment, correction, "
    "interest, settlement",
    "k.csv:9:8: debit: a payment is a credit, not a debit",
    "k.csv:10:8: debit: '1,234' has more than 2 decimal places",
    "k.csv:11:4: the line has 3 fields but the header has 11 (is the separator "
    "';'?); column period is missing",
    "k.csv:12:11: description: text contains a NUL character (byte 0)",
    "k.csv:13:1: external_id: key 'E 13' contains spaces or control characters",
    "k.csv:14:7: component: there is no charge component with code NIEMA "
    "(import components first)",
]


def test_a_file_with_ten_kinds_of_error_gives_the_same_list_on_every_database(
    books, write_file
):
    path = write_file("k.csv", ten_errors())
    before = fingerprint()

    code, _out, err = import_data("ledger", path)

    assert code == 1
    assert error_lines(err) == TEN_ERRORS
    assert fingerprint() == before


def test_the_batched_path_gives_the_same_list_on_postgresql(books, write_file):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has the batched path only")
    path = write_file("k.csv", ten_errors())

    code, _out, err = import_data("ledger", path, "--engine", "batched")

    assert code == 1
    assert error_lines(err) == TEN_ERRORS


# -- Runs never stay "pending"; the duration includes the commit ----------------------


def test_a_run_that_died_before_it_was_running_is_marked_interrupted(
    staff_client, settings
):
    started = timezone.now() - dt.timedelta(minutes=settings.IOK_IMPORT_STALE_MINUTES)
    dead = DataImport.objects.create(
        kind=DataImport.Kind.PARTIES,
        file_kind="parties",
        file_name="k.csv",
        checksum="0" * 64,
        status=DataImport.Status.PENDING,
        started_at=started - dt.timedelta(minutes=5),
    )
    DataImport.objects.filter(pk=dead.pk).update(
        updated_at=started - dt.timedelta(minutes=5)
    )

    page = staff_client.get(f"/admin/ledger-imports/{dead.pk}/").content.decode()

    dead.refresh_from_db()
    assert dead.status == DataImport.Status.INTERRUPTED
    assert 'http-equiv="refresh"' not in page


def test_a_queued_run_no_worker_started_stops_refreshing(staff_client, settings):
    queued = DataImport.objects.create(
        kind=DataImport.Kind.PARTIES,
        file_kind="parties",
        file_name="k.csv",
        checksum="0" * 64,
        status=DataImport.Status.PENDING,
    )
    old = timezone.now() - dt.timedelta(minutes=settings.IOK_IMPORT_STALE_MINUTES + 1)
    DataImport.objects.filter(pk=queued.pk).update(created_at=old)

    page = staff_client.get(f"/admin/ledger-imports/{queued.pk}/").content.decode()

    queued.refresh_from_db()
    assert queued.status == DataImport.Status.PENDING  # still queued, not killed
    assert 'http-equiv="refresh"' not in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_recorded_end_of_a_run_comes_after_its_commit(tmp_path):
    path = tmp_path / "estates.csv"
    path.write_bytes((SAMPLES / "estates.csv").read_bytes())
    seen = {}

    def watch(execute, sql, params, many, context):
        # The run's first statement after its commit: the end is stamped.
        if "finished_at" in sql and sql.lstrip().upper().startswith("UPDATE"):
            seen.setdefault("in_atomic", []).append(connection.in_atomic_block)
        return execute(sql, params, many, context)

    def member_page_during_the_run(*_progress):
        last_import_at()  # a member page caches "data as of" (none yet)

    with connection.execute_wrapper(watch):
        result = run("estates", path, progress=member_page_during_the_run)

    record = DataImport.objects.get(pk=result.data_import_id)
    # Two stamps: the outcome inside the transaction, the end after the commit.
    assert seen["in_atomic"] == [True, False]
    assert record.finished_at > record.started_at
    # ... and "data as of" on the member pages is that end, at once.
    assert last_import_at() == record.finished_at


# -- export_data: formula-like keys are escaped and read back -------------------------


def test_formula_like_keys_are_exported_escaped_and_imported_back(structure, tmp_path):
    path = tmp_path / "k.csv"
    path.write_text(
        "code;name\n=E1;Osiedle A\n+E2;Osiedle B\n-E3;Osiedle C\n@E4;Osiedle D\n",
        encoding="utf-8",
    )
    run("estates", path)
    out = io.StringIO()
    call_command("export_data", "estates", stdout=out)
    exported = out.getvalue()
    for key in ("=E1", "+E2", "-E3", "@E4"):
        assert f"\r\n'{key};" in exported
    assert "\r\n=" not in exported and "\r\n@" not in exported

    again = tmp_path / "again.csv"
    again.write_text(exported, encoding="utf-8")
    code, out_text, err = import_data("estates", again)
    assert code == 0, err
    assert "inserted=0 updated=0" in out_text


# -- Issue 15: the dry run lists what would change, field by field --------------------


def test_the_dry_run_lists_a_contact_change_it_would_undo(
    books, write_file, django_user_model
):
    from members.area.services import (
        contact_change_request_create,
        contact_change_request_decide,
    )

    resident = django_user_model.objects.create_user("mieszkaniec", password="x")
    clerk = django_user_model.objects.create_user("urzedniczka", password="x")
    party = Party.objects.get(number="200101")
    change = contact_change_request_create(
        party=party, user=resident, email="anna.nowa@example.pl"
    )
    contact_change_request_decide(change=change, staff_user=clerk, confirm=True)
    # A new export of the accounting system: another party's phone changed,
    # and 200101 still has the e-mail from before the approved change.
    content = (SAMPLES / "parties.csv").read_text(encoding="utf-8")
    content = content.replace("601 200 300", "601 200 301")
    path = write_file("k.csv", content)
    before = fingerprint()

    code, out, err = import_data("parties", path, "--dry-run")

    assert code == 0, err
    assert (
        "k.csv:2: 200101: changed: email: anna.nowa@example.pl -> "
        "anna.kowalska@example.pl (changed in the portal after the last import)"
    ) in out
    assert "k.csv:3: 200102: changed: phone: 601 200 300 -> 601 200 301" in out
    assert "200103" not in out  # unchanged records are not listed
    warnings = [line for line in err.splitlines() if "200101" in line]
    assert len(warnings) == 1 and "would undo it: email" in warnings[0]
    assert "200102" not in err
    assert fingerprint() == before
    record = DataImport.objects.filter(status=DataImport.Status.DRY_RUN).latest("pk")
    assert record.changes[0]["fields"] == [
        ["email", "anna.nowa@example.pl", "anna.kowalska@example.pl"]
    ]


def test_the_dry_run_lists_added_and_removed_records(books, write_file):
    lines = (SAMPLES / "ledger.csv").read_text(encoding="utf-8").splitlines(True)
    header, first, rest = lines[0], lines[1], lines[2:]
    added = first.replace("KF-2026-000101", "KF-2026-NEW1")
    path = write_file("k.csv", header + added + "".join(rest))

    code, out, err = import_data(
        "ledger", path, "--dry-run", "--replace-period", "auto"
    )

    assert code == 0, err
    assert "k.csv:2: KF-2026-NEW1: added" in out
    assert "k.csv: KF-2026-000101: removed" in out
    assert LedgerEntry.objects.filter(external_id="KF-2026-000101").exists()


def test_the_dry_run_shows_references_by_key_and_a_decision_on_a_fixed_field(
    books, write_file
):
    from ledger.models import MeterReading

    # The office rejected an imported reading after the last readings import.
    reading = MeterReading.objects.get(external_id="ODC-0101-ZW2-2506")
    reading.status = MeterReading.Status.REJECTED
    reading.save()
    content = (SAMPLES / "readings.csv").read_text(encoding="utf-8")
    content = content.replace(
        "ODC-0101-ZW1-2021;WOD-0101-ZW-1;2021-03-14;312,418",
        "ODC-0101-ZW1-2021;WOD-0101-CW-1;2021-03-14;312,5",
    )
    path = write_file("k.csv", content)

    code, out, err = import_data("readings", path, "--dry-run")

    assert code == 0, err
    changes = [line for line in out.splitlines() if line.startswith("k.csv:")]
    assert changes == [
        "k.csv:2: ODC-0101-ZW1-2021: changed: meter: WOD-0101-ZW-1 -> "
        "WOD-0101-CW-1; value: 312,418 -> 312,500",
        "k.csv:3: ODC-0101-ZW2-2506: changed: status: rejected -> accepted "
        "(changed in the portal after the last import)",
    ]
