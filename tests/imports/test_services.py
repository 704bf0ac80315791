"""All-or-nothing, idempotent imports: counts, corrections, replaced periods."""

import datetime as dt
from decimal import Decimal

from django.db import connection, transaction
from django.utils import translation

import pytest

from ledger.imports.liveness import LIVENESS_CLASS
from ledger.imports.services import Period, data_import_run
from ledger.models import (
    DataImport,
    EntrySettlement,
    LedgerEntry,
    Meter,
    MeterReading,
)

from .conftest import SAMPLES, fingerprint, run

LEDGER = (SAMPLES / "ledger.csv").read_text(encoding="utf-8")
LEDGER_ROWS = LEDGER.count("\n") - 1


def test_same_file_twice_changes_nothing_the_second_time(books):
    before = fingerprint()
    imports = DataImport.objects.count()

    again = data_import_run(kind="ledger", path=SAMPLES / "ledger.csv")

    assert again.ok and again.already_imported is not None
    assert (again.inserted, again.updated, again.removed) == (0, 0, 0)
    assert again.unchanged == LEDGER_ROWS
    assert fingerprint() == before
    assert DataImport.objects.count() == imports  # nothing new to record


def test_same_rows_in_another_file_are_all_unchanged(books, write_file):
    """The upsert itself is idempotent, not only the checksum short-cut: the
    same rows re-saved by Excel (Windows-1250, CRLF, other column order) change
    no row, not even its updated_at."""
    lines = LEDGER.splitlines()
    reordered = []
    for line in lines:
        cells = line.split(";")
        reordered.append(";".join(cells[::-1]))
    path = write_file("ledger-excel.csv", "\r\n".join(reordered) + "\r\n", "cp1250")
    before = fingerprint()

    result = run("ledger", path)

    assert result.status == DataImport.Status.SUCCEEDED
    assert (result.inserted, result.updated, result.unchanged) == (0, 0, LEDGER_ROWS)
    assert fingerprint() == before


def test_corrected_file_updates_exactly_the_changed_rows(books, write_file):
    corrected = (
        LEDGER.replace(
            "KF-2026-000102;L-CHA52-01;2026-01-01;2026-01;2026-01-10;charge;FR;96,42",
            "KF-2026-000102;L-CHA52-01;2026-01-01;2026-01;2026-01-10;charge;FR;96,24",
        ).replace("Wpłata w kasie", "Wpłata w kasie (poprawiony opis)")
    ) + "KF-2026-000999;L-CHA52-15;2026-03-01;2026-03;;payment;;;100,00;WB/1;Wpłata\n"
    assert corrected.count("96,24") == 1
    untouched = {
        e.external_id: e.updated_at
        for e in LedgerEntry.objects.exclude(
            external_id__in=["KF-2026-000102", "KF-2026-000203"]
        )
    }

    result = run("ledger", write_file("ledger-poprawiony.csv", corrected))

    assert (result.inserted, result.updated, result.unchanged, result.removed) == (
        1,
        2,
        LEDGER_ROWS - 2,
        0,
    )
    assert LedgerEntry.objects.get(external_id="KF-2026-000102").amount == Decimal(
        "-96.24"
    )
    assert {
        e.external_id: e.updated_at
        for e in LedgerEntry.objects.filter(external_id__in=untouched)
    } == untouched
    record = DataImport.objects.get(pk=result.data_import_id)
    assert (record.inserted, record.updated, record.unchanged) == (
        1,
        2,
        LEDGER_ROWS - 2,
    )
    assert record.checksum == result.checksum and record.rows_total == LEDGER_ROWS + 1


def test_original_file_after_a_correction_restores_the_original_values(
    books, write_file
):
    """A, then the corrected A', then A again: the third run is not "already
    imported" (A' came in between) and puts A's amount back."""
    corrected = LEDGER.replace(
        "KF-2026-000102;L-CHA52-01;2026-01-01;2026-01;2026-01-10;charge;FR;96,42",
        "KF-2026-000102;L-CHA52-01;2026-01-01;2026-01;2026-01-10;charge;FR;96,24",
    )
    run("ledger", write_file("ledger-poprawiony.csv", corrected))
    assert LedgerEntry.objects.get(external_id="KF-2026-000102").amount == Decimal(
        "-96.24"
    )

    again = data_import_run(kind="ledger", path=SAMPLES / "ledger.csv")

    assert again.ok and again.already_imported is None
    assert (again.updated, again.unchanged) == (1, LEDGER_ROWS - 1)
    assert LedgerEntry.objects.get(external_id="KF-2026-000102").amount == Decimal(
        "-96.42"
    )


def test_full_period_export_removes_entries_that_disappeared(books, write_file):
    """--replace-period: entries of the file's units in the range that the file
    no longer has are removed and counted; other units and months are kept."""
    charge = LedgerEntry.objects.get(external_id="KF-2026-000107")
    payment = LedgerEntry.objects.get(external_id="KF-2026-000112")
    EntrySettlement.objects.create(payment=payment, charge=charge, amount=Decimal(1))
    # February of unit L-CHA52-01 without its payment (000112) and water (000109).
    february = [
        line
        for line in LEDGER.splitlines()
        if ";2026-02;" in line
        and "L-CHA52-01" in line
        and "000112" not in line
        and "000109" not in line
    ]
    header = LEDGER.splitlines()[0]
    path = write_file("luty.csv", "\n".join([header, *february]) + "\n")
    others = fingerprint()["ledger.LedgerEntry"][0]

    result = run("ledger", path, replace=Period.parse("2026-02"))

    assert (result.removed, result.unchanged, result.inserted) == (2, len(february), 0)
    assert not LedgerEntry.objects.filter(
        external_id__in=["KF-2026-000109", "KF-2026-000112"]
    ).exists()
    assert LedgerEntry.objects.count() == others - 2
    assert LedgerEntry.objects.filter(external_id="KF-2026-000106").exists()  # January
    assert not EntrySettlement.objects.exists()  # went with its payment
    assert DataImport.objects.get(pk=result.data_import_id).removed == 2


def test_rows_outside_the_declared_period_are_errors(books, write_file):
    path = write_file("k.csv", LEDGER + "\n")  # not byte-identical to the sample
    before = fingerprint()
    with translation.override("en"):
        result = data_import_run(
            kind="ledger", path=path, replace=Period.parse("2026-01")
        )
    assert not result.ok
    assert str(result.errors[0]).endswith(
        "period: 2026-02-01 is outside the replaced range 2026-01-01..2026-01-31"
    )
    assert fingerprint() == before


def test_replace_period_auto_takes_the_range_of_the_file(books, write_file):
    january = [line for line in LEDGER.splitlines()[1:] if ";2026-01;" in line]
    kept = [line for line in january if "000203" not in line]
    path = write_file("styczen.csv", "\n".join([LEDGER.splitlines()[0], *kept]) + "\n")
    result = run("ledger", path, replace=Period.parse("auto"))
    assert result.replace == Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert result.removed == 1


def test_dry_run_counts_everything_and_changes_nothing(books, write_file):
    path = write_file("k.csv", LEDGER.replace("158,90", "160,00"))
    before = fingerprint()
    result = data_import_run(kind="ledger", path=path, dry_run=True)
    assert result.ok and result.dry_run
    assert (result.inserted, result.updated) == (0, 2)
    assert fingerprint() == before
    assert DataImport.objects.get(pk=result.data_import_id).status == "dry_run"
    # A dry run does not count as the file being imported: the real run goes on.
    assert run("ledger", path).updated == 2


def test_readings_import_leaves_residents_own_readings_alone(
    books, write_file, django_user_model
):
    meter = Meter.objects.get(external_id="WOD-0101-ZW-2")
    resident = MeterReading.objects.create(
        meter=meter,
        reading_date=dt.date(2026, 1, 15),
        value=Decimal("170.000"),
        source=MeterReading.Source.RESIDENT,
        status=MeterReading.Status.PENDING,
    )
    text = (SAMPLES / "readings.csv").read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if "ZW2-2506" not in line]
    result = run(
        "readings",
        write_file("odczyty.csv", "\n".join(kept) + "\n"),
        replace=Period.parse("2021-01-01..2026-12-31"),
    )
    assert result.removed == 1
    resident.refresh_from_db()
    assert resident.status == MeterReading.Status.PENDING


def test_master_rows_missing_from_a_file_are_kept_and_reported(books, write_file):
    text = (SAMPLES / "parties.csv").read_text(encoding="utf-8")
    fewer = "\n".join(text.splitlines()[:-2]) + "\n"
    with translation.override("en"):
        result = run("parties", write_file("kontrahenci.csv", fewer))
    assert result.removed == 0
    assert [w.message for w in result.warnings] == [
        "2 rows of this kind in the portal are not in the file; they were kept "
        "(master data is never removed by an import)"
    ]


def test_meter_may_replace_a_meter_later_in_the_same_file(structure, write_file):
    path = write_file(
        "liczniki.csv",
        "external_id;unit;kind;serial_number;unit_of_measure;installed_on;replaces\n"
        "M-2;L-CHA52-01;cold_water;B;m³;2024-01-01;M-1\n"
        "M-1;L-CHA52-01;cold_water;A;m³;2020-01-01;\n",
    )
    result = run("meters", path)
    assert result.inserted == 2
    assert Meter.objects.get(external_id="M-2").replaces.external_id == "M-1"
    swapped = write_file(
        "liczniki2.csv",
        "external_id;unit;kind;serial_number;unit_of_measure;installed_on;replaces\n"
        "M-2;L-CHA52-01;cold_water;B;m³;2024-01-01;\n"
        "M-1;L-CHA52-01;cold_water;A;m³;2020-01-01;\n",
    )
    again = run("meters", swapped)
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        (
            "schedules",
            "external_id;unit;component;monthly_amount;valid_from;valid_to\n"
            "X-1;L-CHA52-01;EKSPL;10;2025-06-01;2025-08-31\n",
            "k.csv:2:1: external_id: its validity overlaps WO-0101-EK-25 for the "
            "same unit and component",
        ),
        (
            "units",
            "code;building;number\nL-A;B-CHA52;99\nL-B;B-CHA52;99\n",
            "k.csv:3:2: building, number: the same as on line 2, but no two rows "
            "may share them",
        ),
        (
            "memberships",
            "member_number;party;admission_date;status;termination_date\n"
            "C-1;200101;2020-01-01;active;2021-01-01\n",
            "k.csv:2:5: termination_date: an active membership has no termination date",
        ),
        (
            "rights",
            "external_id;party;unit;kind;valid_from;valid_to\n"
            "T-1;200101;L-CHA52-01;lease;2020-01-01;2019-01-01\n",
            "k.csv:2:6: valid_to: is before valid_from",
        ),
        (
            "meters",
            "external_id;unit;kind;serial_number;unit_of_measure;installed_on;replaces\n"
            "M-9;L-CHA52-01;gas;G;m³;2020-01-01;M-404\n",
            "k.csv:2:7: replaces: there is no meter with external_id M-404 "
            "(import meters first)",
        ),
        (
            "units",
            "code;building;number;bank_account\nL-A;B-CHA52;98;12345678901234567890123456\n",
            "k.csv:2:4: bank_account: '12345678901234567890123456' is not a valid "
            "26-digit account number (NRB)",
        ),
    ],
)
def test_rules_across_columns_and_rows(books, write_file, kind, content, message):
    before = fingerprint()
    with translation.override("en"):
        result = data_import_run(kind=kind, path=write_file("k.csv", content))
    assert [str(p) for p in result.errors] == [message]
    assert fingerprint() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_failed_run_is_recorded_although_its_transaction_rolled_back(write_file):
    path = write_file("k.csv", LEDGER)  # no units exist: every row refers to nothing
    result = data_import_run(kind="ledger", path=path)
    assert not result.ok
    assert not LedgerEntry.objects.exists()
    record = DataImport.objects.get(pk=result.data_import_id)  # committed
    assert record.status == DataImport.Status.FAILED
    assert record.errors and record.finished_at and record.duration is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_copy_and_batched_paths_give_identical_results(books, write_file):
    """The same files through both write paths: same counts, same errors, same
    rows in the end."""
    header = LEDGER.splitlines()[0]
    files = [
        write_file(
            "a.csv",
            LEDGER.replace("158,90", "159,90")
            + "KF-X;L-CHA52-15;2026-03-01;2026-03;;payment;;;1;D;E\n",
        ),
        write_file(
            "b.csv",
            "\n".join(
                [header, *[x for x in LEDGER.splitlines()[1:] if ";2026-02;" in x][1:]]
            )
            + "\n",
        ),
        write_file(
            "c.csv", LEDGER + "KF-2026-000101;L-ZZ;2026-01-01;2026-01;;charge;;1;;;\n"
        ),
    ]

    def scenario(engine):
        outcome = []
        with transaction.atomic():
            for path, replace in zip(
                files, [None, Period.parse("2026-02"), None], strict=True
            ):
                r = data_import_run(
                    kind="ledger", path=path, engine=engine, replace=replace
                )
                outcome.append(
                    (
                        r.status,
                        r.inserted,
                        r.updated,
                        r.unchanged,
                        r.removed,
                        [str(p) for p in r.errors],
                    )
                )
            rows = sorted(
                LedgerEntry.objects.values_list(
                    "external_id", "unit__code", "amount", "period", "description"
                )
            )
            transaction.set_rollback(True)
        return outcome, rows

    copy = scenario("copy")
    batched = scenario("batched")
    assert copy == batched
    outcome, _rows = copy
    assert [o[:5] for o in outcome] == [
        ("succeeded", 1, 2, LEDGER_ROWS - 2, 0),
        ("succeeded", 0, 0, 6, 1),
        ("failed", 0, 0, 0, 0),
    ]
    assert len(outcome[2][5]) == 2  # the duplicate and the unknown unit


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_progress_is_visible_to_others_while_the_import_runs(write_file):
    """The status page reads DataImport.progress from another connection while
    the import's own transaction is still open."""
    from django.db import connections

    for kind in ["estates", "communities", "buildings", "units"]:
        run(kind, SAMPLES / f"{kind}.csv")
    rows = "".join(
        f"P-{i};L-CHA52-01;2026-01-01;2026-01;;payment;;;1,00;;\n" for i in range(60)
    )
    path = write_file("k.csv", LEDGER.splitlines()[0] + "\n" + rows)
    observer = connections.create_connection("default")
    seen = []

    locks = []
    alive = []

    def look(rows_done, _bytes, _total):
        with observer.cursor() as cursor:
            cursor.execute(
                "SELECT max(progress) FROM ledger_dataimport WHERE kind = 'ledger'"
            )
            seen.append(cursor.fetchone()[0])
            # Shown "running" to others, and holding its own liveness lock, so
            # a check from another session cannot mark it interrupted.
            cursor.execute(
                "SELECT status, pg_try_advisory_lock(%s, id::int4) "
                "FROM ledger_dataimport "
                "WHERE kind = 'ledger' AND status <> 'succeeded'",
                [LIVENESS_CLASS],
            )
            alive.append(cursor.fetchone())
            # One import at a time: the run holds the imports' advisory lock.
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND granted AND pid <> pg_backend_pid()"
            )
            locks.append(cursor.fetchone()[0])

    try:
        result = data_import_run(
            kind="ledger",
            path=path,
            progress=look,
            progress_every=10,
            progress_seconds=0,
        )
    finally:
        observer.close()
    assert result.inserted == 60
    assert max(seen) >= 40  # written by the side connection, seen before commit
    assert set(alive) == {("running", False)}
    assert min(locks) >= 1
