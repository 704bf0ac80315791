"""An import killed half-way (SIGKILL, as by the OOM killer or a power cut of
the worker) leaves the ledger exactly as it was: the checksums of every ledger
table are the same before and after, its DataImport row ends "interrupted"
(not "running" forever) and the next import runs normally.

``manage.py import_data`` runs in a subprocess against the PostgreSQL test
database (the COPY path) on a generated file large enough to take seconds; it
is killed while its upsert into the ledger table is running, which the test
sees in pg_stat_activity.
"""

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from django.db import connection

import pytest

from ledger.models import ChargeComponent, DataImport, LedgerEntry, Unit
from tests.factories import BuildingFactory, EstateFactory

from .servers import ROOT, require_postgresql
from .servers import shared_database_url as database_url

pytestmark = pytest.mark.django_db(transaction=True)

UNITS = 400
ROWS = int(os.environ.get("IOK_TEST_KILLED_IMPORT_ROWS", "200000"))
HEADER = (
    "external_id;unit;booking_date;period;due_date;kind;component;debit;credit;"
    "document_number;description\n"
)
COMPONENTS = ["EKS", "FR", "ZW"]
LEDGER_TABLES = [
    "ledger_estate",
    "ledger_building",
    "ledger_unit",
    "ledger_chargecomponent",
    "ledger_ledgerentry",
    "ledger_entrysettlement",
]


def seed_ledger() -> None:
    """400 units, three components and 2,000 entries already in the ledger,
    some of which the big file changes."""
    building = BuildingFactory(estate=EstateFactory(code="OS-K"))
    Unit.objects.bulk_create(
        Unit(code=f"L{n:05d}", building=building, number=str(n + 1))
        for n in range(UNITS)
    )
    ChargeComponent.objects.bulk_create(
        ChargeComponent(code=code, name=f"Składnik {code}", ordering=n)
        for n, code in enumerate(COMPONENTS)
    )
    units = list(Unit.objects.all())
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            source="fk",
            external_id=f"KF-{i:09d}",
            unit=units[i % UNITS],
            booking_date=dt.date(2025, 1 + i % 12, 1),
            period=dt.date(2025, 1 + i % 12, 1),
            kind="charge",
            amount=Decimal("-100.00"),
        )
        for i in range(2000)
    )


def write_ledger(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        batch = []
        for i in range(rows):
            month = 1 + i % 12
            cents = rng.randint(100, 60_000)
            batch.append(
                f"KF-{i:09d};L{i % UNITS:05d};2025-{month:02d}-01;2025-{month:02d};"
                f"2025-{month:02d}-10;charge;{COMPONENTS[i % 3]};"
                f"{cents // 100},{cents % 100:02d};;NO/{i};Naliczenie\n"
            )
            if len(batch) == 20_000:
                out.writelines(batch)
                batch.clear()
        out.writelines(batch)


def checksums() -> dict[str, str]:
    sums = {}
    with connection.cursor() as cursor:
        for table in LEDGER_TABLES:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' "  # noqa: S608
                f"ORDER BY t.id), '')) FROM {table} t"
            )
            count, digest = cursor.fetchone()
            sums[table] = f"{count}:{digest}"
    return sums


def import_backend(database: str) -> tuple[int, str] | None:
    """(pid, query) of a backend writing imported rows into the ledger table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, left(query, 60) FROM pg_stat_activity WHERE datname = %s "
            "AND state = 'active' AND pid <> pg_backend_pid() AND query LIKE %s",
            [database, '%INSERT INTO "ledger_ledgerentry" AS t%'],
        )
        return cursor.fetchone()


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def import_data(path: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_data", "ledger", str(path)],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_import_killed_half_way_leaves_the_ledger_as_it_was(tmp_path, capsys):
    require_postgresql()
    seed_ledger()
    big = tmp_path / "ledger.csv"
    write_ledger(big, ROWS)
    before = checksums()
    database = connection.settings_dict["NAME"]

    started = time.monotonic()
    process = import_data(big, tmp_path / "import.log")
    backend = None
    while process.poll() is None and time.monotonic() - started < 300:
        backend = import_backend(database)
        if backend:
            break
        time.sleep(0.05)
    assert backend, (
        "the import finished before its upsert was seen; make the file bigger "
        f"(IOK_TEST_KILLED_IMPORT_ROWS):\n{(tmp_path / 'import.log').read_text()}"
    )
    time.sleep(0.3)  # well inside the upsert of 200,000 rows
    assert process.poll() is None, "the import ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    killed_after = time.monotonic() - started
    # The server notices the lost client when the statement ends, then rolls
    # the transaction back.
    deadline = time.monotonic() + 120
    while backend_alive(backend[0]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not backend_alive(backend[0])

    after = checksums()
    runs = list(DataImport.objects.values_list("status", "inserted", "updated"))
    with capsys.disabled():
        print(
            f"\nimport of {ROWS:,} rows killed after {killed_after:.1f} s during "
            f"{backend[1]!r}: ledger checksums "
            f"{'unchanged' if after == before else 'CHANGED'}; "
            f"DataImport records: {runs}"
        )
    assert process.returncode == -signal.SIGKILL
    assert after == before

    # Nobody has looked yet: the row still says "running", its lock is gone.
    killed = DataImport.objects.get(file_name="ledger.csv")
    assert killed.status == DataImport.Status.RUNNING
    assert killed.progress > 0  # the heartbeat was written as the import read

    # The advisory lock went with the killed session: the next import runs,
    # and first marks the dead one interrupted.
    small = tmp_path / "small.csv"
    small.write_text(
        HEADER + "KF-000000001;L00001;2025-02-01;2025-02;;charge;FR;12,34;;N/1;x\n"
    )
    done = import_data(small, tmp_path / "small.log")
    assert done.wait(timeout=120) == 0, (tmp_path / "small.log").read_text()
    assert LedgerEntry.objects.get(external_id="KF-000000001").amount == Decimal(
        "-12.34"
    )
    killed.refresh_from_db()
    assert killed.status == DataImport.Status.INTERRUPTED
    assert killed.finished_at is not None
    assert killed.errors[0]["message"].startswith("Import przerwany")
    assert DataImport.objects.get(file_name="small.csv").status == "succeeded"
