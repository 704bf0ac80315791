"""Benchmark: a ledger import of 1,000,000 (and 2,000,000) rows on PostgreSQL.

For each size, on the same generated file, in the same run, it times

  (a) a plain COPY of the file into a bare table (no indexes, text columns);
  (b) the SQL floor: COPY into a staging table plus one set-based upsert into a
      table with the ledger's indexes and constraints;
  (c) the real thing: ``manage.py import_data ledger FILE`` in a subprocess,
      with its peak memory (ru_maxrss of that subprocess);

and prints time and rows/s for each, and (c) / (b). Goal: (c) <= 1.5 x (b), and
the same peak memory for 1M and 2M rows (the file is streamed).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/iok_imports_bench \\
        .venv/bin/python bench/import_ledger.py [--rows 1000000 2000000]

It migrates that database and empties its ledger tables first: never point it
at a database whose data you want to keep.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
UNITS = 10_000
COMPONENTS = ["EKSPL", "FR", "ZW", "CW", "CO", "ODPADY", "ZARZ", "DZW"]
HEADER = (
    "external_id;unit;booking_date;period;due_date;kind;component;debit;credit;"
    "document_number;description\n"
)
LEDGER_TABLES = [
    "ledger_entrysettlement",
    "ledger_ledgerentry",
    "ledger_dataimport",
]


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to the benchmark's PostgreSQL database")
    return url


def manage(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        check=check,
        capture_output=True,
        text=True,
    )


def write_structure(folder: Path) -> None:
    """One estate, 200 buildings, 10,000 units, the charge components."""
    (folder / "estates.csv").write_text("code;name\nOS-B;Osiedle Benchmark\n")
    buildings = ["code;address;estate"] + [
        f"B{b:03d};ul. Testowa {b};OS-B" for b in range(200)
    ]
    (folder / "buildings.csv").write_text("\n".join(buildings) + "\n")
    units = ["code;building;number"] + [
        f"L{u:05d};B{u % 200:03d};{u // 200 + 1}" for u in range(UNITS)
    ]
    (folder / "units.csv").write_text("\n".join(units) + "\n")
    components = ["code;name"] + [f"{c};Składnik {c}" for c in COMPONENTS]
    (folder / "components.csv").write_text("\n".join(components) + "\n")


def write_ledger(path: Path, rows: int, seed: int = 2026) -> None:
    """A realistic ledger export: monthly charges per component, payments,
    corrections; decimal comma, ISO dates, Polish descriptions."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        buffer = []
        for i in range(rows):
            unit = f"L{rng.randrange(UNITS):05d}"
            year = 2016 + (i * 10 // rows)
            month = rng.randint(1, 12)
            day = rng.randint(1, 28)
            roll = rng.random()
            cents = rng.randint(100, 60_000)
            amount = f"{cents // 100},{cents % 100:02d}"
            if roll < 0.75:
                component = rng.choice(COMPONENTS)
                line = (
                    f"KF-{i:09d};{unit};{year}-{month:02d}-01;{year}-{month:02d};"
                    f"{year}-{month:02d}-10;charge;{component};{amount};;"
                    f"NO/{year}/{month:02d}/{i % 99999:05d};"
                    f"Naliczenie {component} {month:02d}/{year}\n"
                )
            elif roll < 0.97:
                line = (
                    f"KF-{i:09d};{unit};{year}-{month:02d}-{day:02d};"
                    f"{year}-{month:02d};;payment;;;{amount};WB/{year}/{i % 99999:05d};"
                    "Wpłata – przelew\n"
                )
            else:
                side = f"{amount};" if rng.random() < 0.5 else f";{amount}"
                line = (
                    f"KF-{i:09d};{unit};{year}-{month:02d}-{day:02d};"
                    f"{year}-{month:02d};;correction;;{side};KOR/{i % 9999:04d};"
                    "Korekta – zmiana liczby osób\n"
                )
            buffer.append(line)
            if len(buffer) >= 10_000:
                out.writelines(buffer)
                buffer.clear()
        out.writelines(buffer)


def reset(conn: psycopg.Connection) -> None:
    with conn.cursor() as cur:
        cur.execute(f"TRUNCATE {', '.join(LEDGER_TABLES)} RESTART IDENTITY CASCADE")
        cur.execute("DROP TABLE IF EXISTS bench_bare, bench_floor")
    conn.commit()
    vacuum(conn)


def vacuum(conn: psycopg.Connection) -> None:
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE ledger_ledgerentry")
        cur.execute("CHECKPOINT")
    conn.autocommit = False


def stream_file(copy, path: Path) -> None:
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            copy.write(chunk)


def plain_copy(conn: psycopg.Connection, path: Path) -> float:
    """(a) COPY the CSV into a bare table of text columns."""
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TABLE bench_bare (external_id text, unit text, booking_date text,"
            " period text, due_date text, kind text, component text, debit text,"
            " credit text, document_number text, description text)"
        )
        conn.commit()
        started = time.perf_counter()
        with cur.copy(
            "COPY bench_bare FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
        ) as copy:
            stream_file(copy, path)
        conn.commit()
        elapsed = time.perf_counter() - started
        cur.execute("DROP TABLE bench_bare")
    conn.commit()
    return elapsed


FLOOR_UPSERT = """
INSERT INTO bench_floor AS t (source, external_id, unit_id, booking_date, period,
    due_date, kind, component_id, amount, document_number, description,
    created_at, updated_at)
SELECT 'fk', s.external_id, u.id, s.booking_date::date, (s.period || '-01')::date,
       NULLIF(s.due_date, '')::date, s.kind, c.id,
       COALESCE(REPLACE(NULLIF(s.credit, ''), ',', '.')::numeric, 0)
         - COALESCE(REPLACE(NULLIF(s.debit, ''), ',', '.')::numeric, 0),
       COALESCE(s.document_number, ''), COALESCE(s.description, ''), now(), now()
FROM bench_stage s
JOIN ledger_unit u ON u.code = s.unit
LEFT JOIN ledger_chargecomponent c ON c.code = s.component
ON CONFLICT (source, external_id) DO UPDATE SET
    unit_id = EXCLUDED.unit_id, booking_date = EXCLUDED.booking_date,
    period = EXCLUDED.period, due_date = EXCLUDED.due_date, kind = EXCLUDED.kind,
    component_id = EXCLUDED.component_id, amount = EXCLUDED.amount,
    document_number = EXCLUDED.document_number,
    description = EXCLUDED.description, updated_at = EXCLUDED.updated_at
WHERE ROW(t.unit_id, t.booking_date, t.period, t.due_date, t.kind, t.component_id,
          t.amount, t.document_number, t.description)
      IS DISTINCT FROM
      ROW(EXCLUDED.unit_id, EXCLUDED.booking_date, EXCLUDED.period,
          EXCLUDED.due_date, EXCLUDED.kind, EXCLUDED.component_id, EXCLUDED.amount,
          EXCLUDED.document_number, EXCLUDED.description)
"""


def floor(conn: psycopg.Connection, path: Path) -> float:
    """(b) COPY into a staging table + one set-based upsert into a copy of the
    ledger table with the same indexes, checks and foreign keys."""
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE bench_floor (LIKE ledger_ledgerentry INCLUDING ALL)")
        cur.execute(
            "ALTER TABLE bench_floor ADD FOREIGN KEY (unit_id) REFERENCES ledger_unit"
            " DEFERRABLE INITIALLY DEFERRED, ADD FOREIGN KEY (component_id)"
            " REFERENCES ledger_chargecomponent DEFERRABLE INITIALLY DEFERRED"
        )
        conn.commit()
        vacuum(conn)
        started = time.perf_counter()
        cur.execute("SET LOCAL work_mem = '64MB'")
        cur.execute(
            "CREATE TEMP TABLE bench_stage (external_id text, unit text,"
            " booking_date text, period text, due_date text, kind text,"
            " component text, debit text, credit text, document_number text,"
            " description text) ON COMMIT DROP"
        )
        with cur.copy(
            "COPY bench_stage FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
        ) as copy:
            stream_file(copy, path)
        cur.execute(FLOOR_UPSERT)
        conn.commit()
        elapsed = time.perf_counter() - started
        cur.execute("DROP TABLE bench_floor")
    conn.commit()
    return elapsed


def run_import_measured(path: Path, *extra: str) -> tuple[float, int, str, int]:
    """(c) manage.py import_data in a subprocess: seconds, peak RSS (KiB) from
    os.wait4 (this child's own rusage, not the sum of all children), output and
    exit code."""
    with tempfile.TemporaryFile(mode="w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            [
                PYTHON,
                str(ROOT / "manage.py"),
                "import_data",
                "ledger",
                str(path),
                *extra,
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return elapsed, usage.ru_maxrss, out.read(), process.returncode


def python_baseline() -> int:
    """Peak RSS of `manage.py check`: what Django + Wagtail cost before any file."""
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(
            [PYTHON, str(ROOT / "manage.py"), "check"], cwd=ROOT, stdout=out, stderr=out
        )
        _pid, _status, usage = os.wait4(process.pid, 0)
        return usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 2_000_000])
    parser.add_argument("--keep", action="store_true", help="keep the CSV files")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of (b) and (c), best counts"
    )
    args = parser.parse_args()

    url = database_url()
    print(f"database: {url.rsplit('/', 1)[-1]}")
    manage("migrate", "--noinput")
    work = Path(tempfile.mkdtemp(prefix="iok-bench-"))
    conn = psycopg.connect(url)
    with conn.cursor() as cur:
        cur.execute(
            "TRUNCATE ledger_unit, ledger_building, ledger_estate, "
            "ledger_chargecomponent RESTART IDENTITY CASCADE"
        )
    conn.commit()
    reset(conn)
    write_structure(work)
    for kind in ("estates", "buildings", "units", "components"):
        manage("import_data", kind, str(work / f"{kind}.csv"))
    baseline = python_baseline()
    print(
        "peak RSS of `manage.py check` (Django + Wagtail loaded): "
        f"{baseline / 1024:.0f} MiB"
    )

    results = []
    for rows in args.rows:
        path = work / f"ledger-{rows}.csv"
        started = time.perf_counter()
        write_ledger(path, rows)
        size = path.stat().st_size / 2**20
        print(
            f"\n{rows:,} rows, {size:.0f} MiB, generated in "
            f"{time.perf_counter() - started:.1f} s"
        )

        reset(conn)
        bare = plain_copy(conn, path)
        print(
            f"  (a) plain COPY into a bare table   {bare:7.2f} s "
            f"{rows / bare:>12,.0f} rows/s"
        )
        # (b) and (c) alternate, so that a burst of load on a shared machine
        # does not fall on one of them only; the best run of each counts.
        floors, imports = [], []
        for attempt in range(1, args.repeat + 1):
            reset(conn)
            floors.append(floor(conn, path))
            print(
                f"  (b) COPY + set-based upsert (floor){floors[-1]:7.2f} s "
                f"{rows / floors[-1]:>12,.0f} rows/s   [run {attempt}]"
            )
            reset(conn)
            seconds, rss, output, code = run_import_measured(path)
            if code != 0:
                print(output)
                sys.exit(f"import_data failed with exit code {code}")
            imports.append((seconds, rss, output))
            print(
                f"  (c) manage.py import_data ledger   {seconds:7.2f} s "
                f"{rows / seconds:>12,.0f} rows/s  peak RSS {rss / 1024:.0f} MiB"
                f"   [run {attempt}]"
            )
            print(f"      {output.strip().splitlines()[-1]}")
        sql_floor = min(floors)
        seconds, rss, output = min(imports)
        rss = max(r for _s, r, _o in imports)
        print(f"      best (c) / best (b) = {seconds / sql_floor:.2f}  (goal <= 1.50)")
        # The same rows again in another file (one changed amount, one new row):
        # every other row must come back unchanged.
        again = work / f"ledger-{rows}-again.csv"
        with path.open("rb") as src, again.open("wb") as dst:
            # Streamed: a fork of a big parent would inflate the child's ru_maxrss.
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.write(b"KF-X000000001;L00001;2026-01-01;2026-01;;payment;;;1,00;X;Y\n")
        seconds2, rss2, output2, code2 = run_import_measured(again)
        print(
            f"  (d) same rows + 1 new, re-imported  {seconds2:7.2f} s "
            f"{rows / seconds2:>12,.0f} rows/s  peak RSS {rss2 / 1024:.0f} MiB"
        )
        print(f"      {output2.strip().splitlines()[-1]}")
        results.append((rows, bare, sql_floor, seconds, rss, seconds2, rss2))
        again.unlink()
        if not args.keep:
            path.unlink()

    print("\nsummary (rows, a, b, c, c/b, peak RSS of c, d, peak RSS of d):")
    for rows, bare, sql_floor, seconds, rss, seconds2, rss2 in results:
        print(
            f"  {rows:>9,}  a={bare:.2f}s  b={sql_floor:.2f}s  c={seconds:.2f}s  "
            f"c/b={seconds / sql_floor:.2f}  rss={rss / 1024:.0f}MiB  "
            f"d={seconds2:.2f}s  rss={rss2 / 1024:.0f}MiB"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"(this benchmark's own peak RSS: {own:.0f} MiB; a child's ru_maxrss counts "
        "its parent's pages until exec, so the figures above are the import's own "
        "only where they exceed this)"
    )
    conn.close()


if __name__ == "__main__":
    main()
