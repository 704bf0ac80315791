"""Benchmark: member pages served by gunicorn, against a database-free page.

Serves the app with gunicorn in the production configuration plus the
benchmark routes (``cms.settings.bench``; environment set here, static files
collected to a temporary folder) over PostgreSQL filled by
``seed_demo --units 10000 --years 10`` in a dedicated database (reused when it
is already seeded), logs many residents in by creating their sessions
directly, and loads with a small threaded HTTP client on 127.0.0.1:

* the baseline: a 50-row table template rendered without the database
  (routed only by the bench settings' URLs, cms.bench_urls);
* the dashboard (/iok/) of a random resident;
* the ledger page of a random resident's unit (/iok/kartoteka/<id>/).

It prints requests/second and p50/p99 latency for each, in the same run, and
the member pages' throughput as a share of the baseline (goal: at least 25%).

    .venv/bin/python bench/member_pages.py
    .venv/bin/python bench/member_pages.py --units 2000 --duration 10

Everything it needs is in requirements.txt (gunicorn, psycopg); it checks for
them and for PostgreSQL before starting.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/iok_bench_area"
HOST = "127.0.0.1"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds each")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of the three pages, interleaved so that other load on the "
        "machine hits them alike; the medians are reported",
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds each")
    parser.add_argument("--reseed", action="store_true", help="seed even if seeded")
    return parser.parse_args()


def check_requirements(url: str) -> None:
    """gunicorn and psycopg from requirements.txt, and a reachable PostgreSQL."""
    gunicorn = PYTHON.parent / "gunicorn"
    try:
        import psycopg
    except ImportError:
        sys.exit("psycopg is missing: run `make install`")
    if not gunicorn.exists():
        sys.exit(f"{gunicorn} is missing: run `make install`")
    try:
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as error:
        sys.exit(f"PostgreSQL is not reachable at {url}: {error}")


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def server_environment(args, static_root: str, secret: str) -> dict[str, str]:
    """The bench settings' environment (production's, plus the baseline route),
    for this script and gunicorn."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
            "DATABASE_URL": args.database_url,
            "DJANGO_SECRET_KEY": secret,
            "DJANGO_ALLOWED_HOSTS": HOST,
            # Plain HTTP on the loopback: no redirect to HTTPS.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": static_root,
            "LOG_LEVEL": "WARNING",
            # Sessions made here must not expire while the load runs.
            "IOK_IDLE_TIMEOUT_SECONDS": "86400",
            "GUNICORN_BIND": f"{HOST}:{args.port}",
            "GUNICORN_WORKERS": str(args.workers),
            "DATABASE_CONN_MAX_AGE": "600",
        }
    )
    env.pop("REDIS_URL", None)
    return env


def setup_django(env: dict[str, str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    import django

    django.setup()


def seed_if_needed(args) -> None:
    import io

    from django.core.management import call_command

    from ledger.models import LedgerEntry, Unit

    call_command("migrate", verbosity=0)
    units = Unit.objects.count()
    if args.reseed or units < args.units or not LedgerEntry.objects.exists():
        print(f"seeding: seed_demo --units {args.units} --years {args.years} …")
        started = time.perf_counter()
        call_command(
            "seed_demo",
            "--units",
            str(args.units),
            "--years",
            str(args.years),
            stdout=io.StringIO(),
        )
        print(f"  seeded in {time.perf_counter() - started:.0f} s")
    else:
        print(f"reusing the seeded database ({units} units)")
    entries = LedgerEntry.objects.count()
    print(f"ledger entries: {entries:,}".replace(",", " "))


def resident_sessions(count: int) -> list[tuple[str, int]]:
    """Sessions for ``count`` residents holding units today, created directly
    in the session store (as a login would), with one of their unit ids."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from ledger.models import Party, UnitRight
    from members.middleware import LAST_ACTIVITY_KEY

    user_model = get_user_model()
    today = timezone.localdate()
    rights = list(
        UnitRight.objects.valid_on(today)
        .exclude(party__number__in=["100003"])  # the blocked demo account
        .values_list("party_id", "unit_id")
        .order_by("party_id", "unit_id")
    )
    units_of: dict[int, list[int]] = {}
    for party_id, unit_id in rights:
        units_of.setdefault(party_id, []).append(unit_id)
    chosen = random.Random(733).sample(sorted(units_of), min(count, len(units_of)))
    existing = {
        user.party_id: user
        for user in user_model._default_manager.filter(party_id__in=chosen)
    }
    parties = Party.objects.in_bulk(chosen)
    for party_id in chosen:
        if party_id not in existing:
            user = user_model(
                username=f"bench-{parties[party_id].number}", party_id=party_id
            )
            user.set_unusable_password()
            user.save()
            existing[party_id] = user
    user_model._default_manager.filter(party_id__in=chosen).update(
        must_change_password=False, blocked_at=None
    )
    backend = settings.AUTHENTICATION_BACKENDS[-1]
    sessions = []
    for party_id in chosen:
        user = existing[party_id]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store[LAST_ACTIVITY_KEY] = int(time.time())
        store.create()
        sessions.append(
            (store.session_key, random.Random(party_id).choice(units_of[party_id]))
        )
    return sessions


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz")


def load(port, paths, *, cookie_name, duration, warmup, concurrency, check):
    """Request ``paths()`` (path, session key) from ``concurrency`` threads with
    keep-alive connections for ``warmup`` + ``duration`` seconds; latencies of
    the measured part only. Bounded in time; stops by itself."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + duration

    def worker(seed):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        mine, failed = [], 0
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            path, session = paths(rng)
            headers = {"Host": HOST}
            if session:
                headers["Cookie"] = f"{cookie_name}={session}"
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and check(body)
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
            elapsed = time.perf_counter() - began
            if now >= measure_from:
                if ok:
                    mine.append(elapsed)
                else:
                    failed += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [
        threading.Thread(target=worker, args=(index,)) for index in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()

    def percentile(p):
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / duration,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p99_ms": percentile(0.99),
    }


def warm_up(port, sessions, *, cookie_name) -> None:
    """Request each resident's dashboard and ledger page once, on 4 threads."""
    pending = list(sessions)
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            with lock:
                if not pending:
                    break
                session, unit_id = pending.pop()
            for path in ("/iok/", f"/iok/kartoteka/{unit_id}/"):
                connection.request(
                    "GET",
                    path,
                    headers={"Host": HOST, "Cookie": f"{cookie_name}={session}"},
                )
                connection.getresponse().read()
        connection.close()

    threads = [threading.Thread(target=worker) for _index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    args = parse_args()
    check_requirements(args.database_url)
    ensure_database(args.database_url)
    static_root = tempfile.mkdtemp(prefix="iok-bench-static-")
    secret = secrets.token_urlsafe(50)
    env = server_environment(args, static_root, secret)
    setup_django(env)

    import logging

    from django.conf import settings
    from django.core.management import call_command

    logging.disable(logging.INFO)
    seed_if_needed(args)
    call_command("collectstatic", "--noinput", verbosity=0)
    sessions = resident_sessions(args.residents)
    print(
        f"{len(sessions)} residents logged in; gunicorn {args.workers} workers; "
        f"{args.concurrency} client threads; {args.duration:.0f} s per page"
    )
    load_before = os.getloadavg()
    cookie_name = settings.SESSION_COOKIE_NAME
    log = open(Path(static_root) / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(PYTHON.parent / "gunicorn"),
            "-c",
            str(ROOT / "cms" / "gunicorn.conf.py"),
            "cms.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = {}

    def ledger_path(rng):
        session, unit_id = rng.choice(sessions)
        return f"/iok/kartoteka/{unit_id}/", session

    try:
        wait_for(args.port)
        targets = {
            "baseline (50-row table, no database)": (
                lambda rng: ("/iok/bench/baseline/", None),
                lambda body: b"<table>" in body,
            ),
            "dashboard /iok/": (
                lambda rng: ("/iok/", rng.choice(sessions)[0]),
                lambda body: "Saldo na dziś".encode() in body,
            ),
            "ledger /iok/kartoteka/<id>/": (
                ledger_path,
                lambda body: b"Zestawienie operacji" in body,
            ),
        }
        # Steady state: every resident's pages once before measuring, so the
        # first round does not pay for reading their ledgers from disk into
        # PostgreSQL's cache while the later ones do not.
        started = time.perf_counter()
        warm_up(args.port, sessions, cookie_name=cookie_name)
        print(
            f"  warmed up: each resident's dashboard and ledger page once "
            f"({time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        for round_number in range(args.rounds):
            for label, (paths, check) in targets.items():
                figures = load(
                    args.port,
                    paths,
                    cookie_name=cookie_name,
                    duration=args.duration,
                    warmup=args.warmup,
                    concurrency=args.concurrency,
                    check=check,
                )
                results.setdefault(label, []).append(figures)
                print(
                    f"  round {round_number + 1}: {label}: {figures['rps']:.1f} req/s",
                    flush=True,
                )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    labels = list(results)
    baseline_label = labels[0]

    def median(label, key):
        return statistics.median(figures[key] for figures in results[label])

    def share(label):
        """The page's throughput as a share of the baseline's in the same
        round, median over the rounds."""
        return statistics.median(
            page["rps"] / base["rps"] * 100 if base["rps"] else 0.0
            for page, base in zip(results[label], results[baseline_label], strict=True)
        )

    print()
    print(
        f"{'page':<40}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'vs baseline':>13}"
    )
    for label in labels:
        errors = sum(figures["errors"] for figures in results[label])
        print(
            f"{label:<40}{median(label, 'rps'):>9.1f}{median(label, 'p50_ms'):>9.1f}"
            f"{median(label, 'p99_ms'):>9.1f}{errors:>8}{share(label):>12.0f}%"
        )
    load_after = os.getloadavg()
    print(
        "\nmachine load average (1/5/15 min) before: "
        + "/".join(f"{value:.2f}" for value in load_before)
        + ", after: "
        + "/".join(f"{value:.2f}" for value in load_after)
        + f" on {os.cpu_count()} cores (other work on the machine lowers the "
        "database-bound pages more than the baseline: compare runs on a quiet machine)"
    )
    goal = min(share(label) for label in labels[1:])
    print(
        f"\nslowest member page: {goal:.0f}% of the baseline's throughput "
        "(median of the rounds; goal: at least 25%)"
    )
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "member_pages.json").write_text(
        json.dumps(
            {
                "args": vars(args),
                "results": results,
                "share_percent": goal,
                "load_average": {"before": load_before, "after": load_after},
            },
            indent=2,
        )
    )
    shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    main()
