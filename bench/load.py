"""Load run: hundreds of residents on the member pages, through gunicorn with
the bench settings (production's, plus the benchmark routes), over PostgreSQL
with the demo cooperative.

    .venv/bin/python bench/load.py                       # 300 residents, 60 s
    .venv/bin/python bench/load.py --users 500 --duration 120 --workers 5
    .venv/bin/python bench/load.py --restart-db          # PostgreSQL restarted mid-run

It starts a PRIVATE PostgreSQL cluster on 127.0.0.1:5433 (a temporary
directory, removed afterwards; never the shared server on 5432), migrates it,
runs ``seed_demo --units U --years Y``, gives the first N parties a login and
a session (no password hashing in the measurement), collects static files and
starts gunicorn on 127.0.0.1:8107. Then ``--connections`` client threads play
the ``--users`` residents in turn: each request is a member page (dashboard,
the unit's ledger, meters, loans, payments, membership) of the resident whose
session cookie it carries, and it counts only if it is 200 and shows that
resident's own name. It prints requests/s, p50/p90/p99 latency and errors.

``--restart-db`` stops the private PostgreSQL a third of the way through
(``pg_ctl -m fast``) and starts it again ``--outage`` seconds later: responses
during the outage must be the Polish 503 page (counted apart from errors), and
the run reports how long after the restart the app served 200 again, without
restarting gunicorn. The phases are split by when a request started: one queued
just before the stop may get the 503 page, one queued during the outage may be
served after it.

Everything runs on 127.0.0.1. Bounded by --duration (and --requests).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.private_pg import PrivatePostgres  # noqa: E402

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
PORT = 8107
SECRET = "bench-only-" + "k" * 40
SESSION_COOKIE = "__Host-sessionid"

MAKE_SESSIONS = """
import json
from django.contrib.auth import get_user_model
from django.test import Client
from ledger.models import Party, UnitRight
User = get_user_model()
out = []
parties = (Party.objects.filter(rights__valid_to__isnull=True)
           .exclude(number="100003").distinct().order_by("number")[:{users}])
for party in parties:
    user = User.objects.filter(party=party).first()
    if user is None:
        user = User(username=party.number, party=party)
        user.set_unusable_password()
    user.must_change_password = False
    user.save()
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    units = list(UnitRight.objects.filter(party=party, valid_to__isnull=True)
                 .values_list("unit_id", flat=True))
    out.append({{"name": party.name, "session": client.session.session_key,
                 "units": units}})
print(json.dumps(out))
"""


@dataclass
class Result:
    started: float
    seconds: float
    status: int
    ok: bool
    clean_503: bool = False
    page: str = ""


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


def env_for(database_url: str, static_root: Path, workers: int) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_"))
    }
    env.update(
        # Production's settings with the benchmark routes (cms.settings.bench).
        DJANGO_SETTINGS_MODULE="cms.settings.bench",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        LOG_LEVEL="WARNING",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_BIND=f"127.0.0.1:{PORT}",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout if capture else ""


def prepare(args, pg: PrivatePostgres, work: Path) -> tuple[dict, list[dict]]:
    pg._run("createdb", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "iok")
    env = env_for(pg.database_url("iok"), work / "static", args.workers)
    started = time.monotonic()
    manage(env, "migrate", "--noinput")
    print(f"migrated in {time.monotonic() - started:.0f} s")
    started = time.monotonic()
    out = manage(
        env,
        "seed_demo",
        "--units",
        str(args.units),
        "--years",
        str(args.years),
        capture=True,
    )
    books = next((line for line in out.splitlines() if line.startswith("Books:")), "")
    print(f"seeded in {time.monotonic() - started:.0f} s: {books}")
    sessions = json.loads(
        manage(env, "shell", "-c", MAKE_SESSIONS.format(users=args.users), capture=True)
        .strip()
        .splitlines()[-1]
    )
    print(f"{len(sessions)} residents with a session")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    return env, sessions


def start_gunicorn(env: dict, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [GUNICORN, "-c", "cms/gunicorn.conf.py", "cms.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/healthz", timeout=2).ok:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.3)
    os.killpg(process.pid, signal.SIGTERM)
    sys.exit("gunicorn did not start")


def pages_for(resident: dict) -> list[str]:
    unit = resident["units"][0]
    return [
        "/iok/",
        f"/iok/kartoteka/{unit}/",
        "/iok/liczniki/",
        "/iok/kredyty/",
        "/iok/platnosci/",
        "/iok/czlonkostwo/",
    ]


def client_loop(
    residents: list[dict], run: Run, stop: threading.Event, offset: int, step: int
):
    http = requests.Session()
    rng = random.Random(offset)
    i = offset
    base = f"http://127.0.0.1:{PORT}"
    while not stop.is_set():
        resident = residents[i % len(residents)]
        i += step
        path = rng.choice(pages_for(resident))
        started = time.monotonic()
        try:
            response = http.get(
                base + path,
                headers={"Cookie": f"{SESSION_COOKIE}={resident['session']}"},
                allow_redirects=False,
                timeout=30,
            )
            seconds = time.monotonic() - started
            body = response.text
            ok = response.status_code == 200 and resident["name"] in body
            clean = (
                response.status_code == 503
                and "Serwis chwilowo niedostępny" in body
                and "Traceback" not in body
            )
            page = path.split("/")[2] or "dashboard"
            run.add(Result(started, seconds, response.status_code, ok, clean, page))
        except requests.RequestException:
            run.add(Result(started, time.monotonic() - started, 0, False))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1]


def report(label: str, results: list[Result], seconds: float) -> None:
    ok = [r.seconds * 1000 for r in results if r.ok]
    clean = sum(r.clean_503 for r in results)
    errors = len(results) - len(ok) - clean
    print(
        f"{label}: {len(results)} requests in {seconds:.1f} s = "
        f"{len(results) / seconds:.1f} req/s; ok {len(ok)}, clean 503 {clean}, "
        f"errors {errors}"
    )
    if ok:
        print(
            f"  latency of ok responses: p50 {percentile(ok, 50):.0f} ms, "
            f"p90 {percentile(ok, 90):.0f} ms, p99 {percentile(ok, 99):.0f} ms, "
            f"max {max(ok):.0f} ms"
        )
    by_page: dict[str, list[float]] = {}
    for r in results:
        if r.ok:
            by_page.setdefault(r.page, []).append(r.seconds * 1000)
    if by_page:
        print(
            "  p50 by page: "
            + ", ".join(
                f"{page} {statistics.median(v):.0f} ms"
                for page, v in sorted(by_page.items())
            )
        )
    statuses: dict[int, int] = {}
    for r in results:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    print(f"  statuses: {dict(sorted(statuses.items()))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=300, help="virtual residents")
    parser.add_argument(
        "--connections", type=int, default=24, help="concurrent client threads"
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--warmup", type=float, default=5, help="seconds, not counted")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--restart-db", action="store_true")
    parser.add_argument("--outage", type=float, default=5, help="seconds down")
    args = parser.parse_args()

    print(
        f"machine: {os.cpu_count()} CPUs; gunicorn workers: {args.workers}; "
        f"{args.users} residents over {args.connections} connections; "
        f"demo books: {args.units} units x {args.years} years"
    )
    work = Path(tempfile.mkdtemp(prefix="iok-load-"))
    pg = PrivatePostgres()
    gunicorn = None
    try:
        pg.create()
        env, residents = prepare(args, pg, work)
        gunicorn = start_gunicorn(env, work / "gunicorn.log")
        master = gunicorn.pid
        run, stop = Run(), threading.Event()
        threads = [
            threading.Thread(
                target=client_loop,
                args=(residents, run, stop, n, args.connections),
                daemon=True,
            )
            for n in range(args.connections)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        begin = time.monotonic()
        down = up = None
        if args.restart_db:
            time.sleep(args.duration / 3)
            down = time.monotonic()
            pg.stop("fast")
            time.sleep(args.outage)
            pg.start()
            up = time.monotonic()
        time.sleep(max(0.0, begin + args.duration - time.monotonic()))
        stop.set()
        for thread in threads:
            thread.join(timeout=40)
        end = time.monotonic()
        counted = [r for r in run.results if r.started >= begin]
        report("whole run", counted, end - begin)
        if args.restart_db:
            before = [r for r in counted if r.started < down]
            during = [r for r in counted if down <= r.started < up]
            after = [r for r in counted if r.started >= up]
            report("before the restart", before, down - begin)
            report("PostgreSQL down", during, up - down)
            report("after the restart", after, end - up)
            first_ok = min((r.started + r.seconds for r in after if r.ok), default=None)
            recovered = "never" if first_ok is None else f"{first_ok - up:.2f} s"
            print(f"  first 200 after PostgreSQL was back: {recovered}")
            still_bad = [r for r in after if first_ok and r.started > first_ok + 1]
            same = gunicorn.poll() is None and gunicorn.pid == master
            print(
                "  errors later than 1 s after recovery: "
                f"{sum(not r.ok for r in still_bad)}; gunicorn master restarted: "
                f"{'no' if same else 'YES'}"
            )
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        pg.destroy()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
