"""Benchmark: the balance and a statement page on a cooperative at scale.

Builds the demo cooperative (10,000 units × 10 years by default) in a dedicated
PostgreSQL database, then times, for units with ten years of history and for
units whose history was cut to the last year, one balance and one statement
page (the last page of the last twelve months). The two must be close: the
cost follows the index, not the length of the history.

    .venv/bin/python bench/ledger_balance.py
    .venv/bin/python bench/ledger_balance.py --units 2000 --skip-seed \\
        --database-url postgresql://postgres@127.0.0.1:5432/iok_bench

The database is created when missing and is reseeded unless --skip-seed.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/iok_bench"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--sample", type=int, default=100, help="units per group")
    parser.add_argument("--repeat", type=int, default=5, help="timings per unit")
    parser.add_argument("--skip-seed", action="store_true")
    return parser.parse_args()


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()


def timed(function, repeat: int) -> float:
    """The best of ``repeat`` runs, in milliseconds (the first run warms up)."""
    function()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def main() -> None:
    args = parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)

    import io
    import logging

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from ledger import demo, queries
    from ledger.models import LedgerEntry, Unit, UnitRight

    logging.disable(logging.INFO)
    call_command("migrate", verbosity=0)
    if not args.skip_seed:
        started = time.perf_counter()
        demo.seed(units=args.units, years=args.years, stdout=io.StringIO())
        seconds = time.perf_counter() - started
        print(f"seed_demo --units {args.units} --years {args.years}: {seconds:.1f} s")

    today = timezone.localdate()
    year_ago = today.replace(day=1) - dt.timedelta(days=365)
    # Units with one holder for the whole history, so party and unit views match.
    candidates = list(
        Unit.objects.filter(kind=Unit.Kind.FLAT)
        .annotate(holders=Count("rights"))
        .filter(holders=1)
        .order_by("pk")
        .values_list("pk", flat=True)[: 2 * args.sample + 10]
    )
    long_units = candidates[0 : 2 * args.sample : 2]
    short_units = candidates[1 : 2 * args.sample : 2]
    # Cut the history of the "one year" group to its last twelve months.
    LedgerEntry.objects.filter(
        unit_id__in=short_units, booking_date__lt=year_ago
    ).delete()
    # As autovacuum would: drop the deleted rows from the index and refresh
    # the visibility map and statistics.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE ledger_ledgerentry")
    total = LedgerEntry.objects.count()
    print(f"ledger entries in the database: {total:,}".replace(",", " "))

    def measure(unit_id):
        party = UnitRight.objects.get(unit_id=unit_id).party
        rows = LedgerEntry.objects.filter(unit_id=unit_id).count()
        balance_ms = timed(
            lambda: queries.balance(party=party, unit=unit_id, on=today), args.repeat
        )
        page_ms = timed(
            lambda: queries.statement(
                party=party,
                unit=unit_id,
                date_from=year_ago,
                date_to=today,
                page=10_000,  # the last page: the most recent entries
                per_page=50,
            ),
            args.repeat,
        )
        return rows, balance_ms, page_ms

    # Alternate the two groups so that load on the machine hits both alike.
    results = {"10 years": [], "1 year": []}
    for long_unit, short_unit in zip(long_units, short_units, strict=True):
        results["10 years"].append(measure(long_unit))
        results["1 year"].append(measure(short_unit))

    def summary(values):
        ordered = sorted(values)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        return f"{statistics.median(values):.2f} / {p95:.2f}"

    print(
        f"{'history':<10}{'units':>6}{'entries/unit':>14}"
        f"{'balance ms (median / p95)':>28}{'statement page ms (median / p95)':>36}"
    )
    for label, measured in results.items():
        rows, balances, pages = zip(*measured, strict=True)
        print(
            f"{label:<10}{len(measured):>6}{statistics.median(rows):>14.0f}"
            f"{summary(balances):>28}{summary(pages):>36}"
        )


if __name__ == "__main__":
    main()
