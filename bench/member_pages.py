"""Benchmark: the public and member pages served by gunicorn, driven by wrk,
against a database-free page measured in the same run.

Serves the app with gunicorn in the production configuration plus the
benchmark routes (``cms.settings.bench``; environment set here, static files
collected to a temporary folder) over PostgreSQL filled by
``seed_demo --units 10000 --years 10`` in a dedicated database (reused when it
is already seeded), logs many residents in by creating their sessions
directly, and loads each page with ``wrk`` (C, event-driven: the load
generator is never the bottleneck, unlike a Python client) on 127.0.0.1:

* the baseline: a 50-row table template rendered without the database
  (routed only by the bench settings' URLs, cms.bench_urls);
* anonymous public pages: home ``/``, notices ``/ogloszenia/``, rules
  ``/zasady-iok/`` (served from the public page cache after the first hit);
* a random resident's dashboard ``/iok/``, ledger ``/iok/kartoteka/<id>/``,
  meters ``/iok/liczniki/``, payments ``/iok/platnosci/`` and loans
  ``/iok/kredyty/`` (a Lua script picks the resident and sends the session
  cookie on every request).

Pages are measured in rounds, interleaved with the baseline, so that other
load on the machine hits them alike. It prints requests/second, p50 and p99
latency, the share of the baseline (median over the rounds of page/baseline in
the same round) and the machine's load average; goals: public pages >= 80%,
member pages >= 25%, p99 < 4 x p50.

    flock /tmp/bench.lock .venv/bin/python bench/member_pages.py
    .venv/bin/python bench/member_pages.py --units 500 --years 2 --duration 5

Needs ``wrk`` (Debian: ``apt-get install wrk``) and, from requirements.txt,
gunicorn and psycopg; it checks for them and for PostgreSQL before starting.
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/iok_bench"
HOST = "127.0.0.1"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--port", type=int, default=8180)
    parser.add_argument("--residents", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="wrk's open connections"
    )
    parser.add_argument("--duration", type=int, default=8, help="seconds each")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rounds of the pages, interleaved so that other load on the "
        "machine hits them alike; the medians are reported",
    )
    parser.add_argument("--warmup", type=int, default=2, help="seconds each")
    parser.add_argument(
        "--only", default="", help="comma-separated page labels to measure (debug)"
    )
    parser.add_argument("--reseed", action="store_true", help="seed even if seeded")
    return parser.parse_args()


def check_requirements(url: str) -> None:
    """gunicorn and psycopg from requirements.txt, and a reachable PostgreSQL."""
    gunicorn = PYTHON.parent / "gunicorn"
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `apt-get install wrk` (Debian) and run again")
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
    # Fresh planner statistics, as autovacuum keeps them on a server (it may
    # be off or behind after a bulk seed: then the meters query chose a plan
    # 1,000 times slower).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


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


# wrk's script: every request picks one (path, cookie) of ITEMS at random;
# anything but a 200 (a redirect to the login page, an error) is counted; at
# the end one JSON line with the figures.
LUA = r"""
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(id * 7919)
  bad = 0
end
request = function()
  local item = ITEMS[math.random(#ITEMS)]
  if item[2] == "" then
    return wrk.format("GET", item[1], {Host = "127.0.0.1"})
  end
  return wrk.format("GET", item[1], {Host = "127.0.0.1", Cookie = item[2]})
end
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  local bad_total = 0
  for _, thread in ipairs(threads) do bad_total = bad_total + thread:get("bad") end
  local e = summary.errors
  io.write(string.format(
    "WRK-JSON {\"requests\": %d, \"duration_us\": %d, \"not_200\": %d, " ..
    "\"socket_errors\": %d, \"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d}\n",
    summary.requests, summary.duration, bad_total,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""


@dataclass
class Page:
    label: str
    items: list[tuple[str, str]]  # (path, Cookie header or "")
    marker: str
    kind: str  # "baseline", "public" or "member"


def lua_script(folder: Path, page: Page) -> Path:
    def quote(text: str) -> str:
        return json.dumps(text)  # a JSON string is a valid Lua string here

    rows = ",\n".join(
        f"  {{{quote(path)}, {quote(cookie)}}}" for path, cookie in page.items
    )
    script = folder / (page.label.split()[0].strip("/") or "home")
    script = script.with_suffix(".lua")
    script.write_text("ITEMS = {\n" + rows + "\n}\n" + LUA)
    return script


def run_wrk(port: int, script: Path, *, seconds: int, connections: int) -> dict:
    """One wrk run (one thread, ``connections`` connections); its figures."""
    completed = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(script),
            f"http://{HOST}:{port}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(
        line for line in completed.stdout.splitlines() if line.startswith("WRK-JSON ")
    )
    figures = json.loads(line.removeprefix("WRK-JSON "))
    duration = figures["duration_us"] / 1e6
    ok = figures["requests"] - figures["not_200"]
    return {
        "requests": figures["requests"],
        "errors": figures["not_200"] + figures["socket_errors"],
        "rps": ok / duration if duration else 0.0,
        "p50_ms": figures["p50_us"] / 1000,
        "p90_ms": figures["p90_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
    }


def check_page(port: int, page: Page) -> None:
    """Each page answers 200 with its marker before it is measured (so a
    broken session or a missing page is not measured as a fast error)."""
    path, cookie = page.items[0]
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Host": HOST}
    if cookie:
        headers["Cookie"] = cookie
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    if response.status != 200 or page.marker not in body:
        sys.exit(
            f"{page.label}: {path} answered {response.status} without "
            f"{page.marker!r}: not measuring it"
        )


def warm_up(port: int, sessions, cookie_name: str) -> float:
    """Steady state before measuring: every resident's ledger page once and
    payments page twice (4 client threads), so their ledgers are in
    PostgreSQL's memory and their transfer QR codes drawn (cached per gunicorn
    worker: twice, so both workers are likely to hold them), as on a server
    that has been running. Returns the seconds it took."""
    started = time.perf_counter()
    pending = [
        (key, path)
        for key, unit_id in sessions
        for path in (f"/iok/kartoteka/{unit_id}/", "/iok/platnosci/", "/iok/platnosci/")
    ]
    lock = threading.Lock()

    def worker():
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
        while True:
            with lock:
                if not pending:
                    break
                key, path = pending.pop()
            headers = {"Host": HOST, "Cookie": f"{cookie_name}={key}"}
            try:
                connection.request("GET", path, headers=headers)
                connection.getresponse().read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=60)
        connection.close()

    threads = [threading.Thread(target=worker) for _index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def pages_to_measure(sessions, cookie_name: str) -> list[Page]:
    def member(label, path_of, marker):
        return Page(
            label,
            [(path_of(unit_id), f"{cookie_name}={key}") for key, unit_id in sessions],
            marker,
            "member",
        )

    return [
        Page(
            "baseline (50-row table, no database)",
            [("/iok/bench/baseline/", "")],
            "<table",
            "baseline",
        ),
        Page("home /", [("/", "")], "</html>", "public"),
        Page("notices /ogloszenia/", [("/ogloszenia/", "")], "</html>", "public"),
        Page("rules /zasady-iok/", [("/zasady-iok/", "")], "</html>", "public"),
        member("dashboard /iok/", lambda unit: "/iok/", "Saldo na dziś"),
        member(
            "ledger /iok/kartoteka/<id>/",
            lambda unit: f"/iok/kartoteka/{unit}/",
            "Zestawienie operacji",
        ),
        member("meters /iok/liczniki/", lambda unit: "/iok/liczniki/", "</html>"),
        member("payments /iok/platnosci/", lambda unit: "/iok/platnosci/", "</html>"),
        member("loans /iok/kredyty/", lambda unit: "/iok/kredyty/", "</html>"),
    ]


def main() -> None:
    args = parse_args()
    check_requirements(args.database_url)
    ensure_database(args.database_url)
    folder = Path(tempfile.mkdtemp(prefix="iok-bench-"))
    static_root = str(folder / "static")
    secret = secrets.token_urlsafe(50)
    env = server_environment(args, static_root, secret)
    env["MEDIA_ROOT"] = str(folder / "media")
    env["IOK_PRIVATE_MEDIA_ROOT"] = str(folder / "private")
    setup_django(env)

    import logging

    from django.conf import settings
    from django.core.management import call_command

    logging.disable(logging.INFO)
    seed_if_needed(args)
    call_command("collectstatic", "--noinput", verbosity=0)
    sessions = resident_sessions(args.residents)
    pages = pages_to_measure(sessions, settings.SESSION_COOKIE_NAME)
    if args.only:
        wanted = {word.strip() for word in args.only.split(",")}
        pages = [
            p for p in pages if p.kind == "baseline" or p.label.split()[0] in wanted
        ]
    scripts = {page.label: lua_script(folder, page) for page in pages}
    print(
        f"{len(sessions)} residents logged in; gunicorn {args.workers} sync workers; "
        f"wrk 1 thread, {args.concurrency} connections; {args.warmup} s warm-up + "
        f"{args.duration} s per page; {args.rounds} rounds"
    )
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115
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
    results: dict[str, list[dict]] = {}
    load_before = os.getloadavg()
    try:
        wait_for(args.port)
        for page in pages:
            check_page(args.port, page)
        seconds = warm_up(args.port, sessions, settings.SESSION_COOKIE_NAME)
        print(f"  warmed up: each resident's pages ({seconds:.0f} s)", flush=True)
        for round_number in range(args.rounds):
            for page in pages:
                script = scripts[page.label]
                if args.warmup:
                    run_wrk(
                        args.port,
                        script,
                        seconds=args.warmup,
                        connections=args.concurrency,
                    )
                figures = run_wrk(
                    args.port,
                    script,
                    seconds=args.duration,
                    connections=args.concurrency,
                )
                results.setdefault(page.label, []).append(figures)
                print(
                    f"  round {round_number + 1}: {page.label}: "
                    f"{figures['rps']:.1f} req/s, p50 {figures['p50_ms']:.1f} ms, "
                    f"p99 {figures['p99_ms']:.1f} ms",
                    flush=True,
                )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    load_after = os.getloadavg()

    baseline_label = pages[0].label

    def median(label, key):
        return statistics.median(figures[key] for figures in results[label])

    def share(label):
        """The page's throughput as a share of the baseline's in the same
        round, median over the rounds."""
        return statistics.median(
            page["rps"] / base["rps"] * 100 if base["rps"] else 0.0
            for page, base in zip(results[label], results[baseline_label], strict=True)
        )

    goals = {"baseline": None, "public": 80, "member": 25}
    print()
    print(
        f"| {'page':<38} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} "
        f"| {'p99/p50':>7} | {'errors':>6} | {'share':>6} | goal    |"
    )
    print(
        f"| {'-' * 38} | {'-' * 7}:| {'-' * 7}:| {'-' * 7}:| {'-' * 7}:| "
        f"{'-' * 6}:| {'-' * 6}:| ------- |"
    )
    missed = []
    for page in pages:
        label = page.label
        errors = sum(figures["errors"] for figures in results[label])
        p50, p99 = median(label, "p50_ms"), median(label, "p99_ms")
        ratio = p99 / p50 if p50 else float("nan")
        goal = goals[page.kind]
        met = (goal is None or share(label) >= goal) and ratio < 4 and not errors
        if not met:
            missed.append(label)
        verdict = f">={goal}%" if goal is not None else "-"
        verdict += "" if met else " NO"
        print(
            f"| {label:<38} | {median(label, 'rps'):>7.1f} | {p50:>7.1f} | {p99:>7.1f} "
            f"| {ratio:>7.1f} | {errors:>6} | {share(label):>5.0f}% "
            f"| {verdict:<7} |"
        )
    print(
        "\nmachine load average (1/5/15 min) before: "
        + "/".join(f"{value:.2f}" for value in load_before)
        + ", after: "
        + "/".join(f"{value:.2f}" for value in load_after)
        + f" on {os.cpu_count()} cores (other work on the machine lowers the "
        "database-bound pages more than the baseline: compare shares, and runs "
        "on a quiet machine)"
    )
    print(
        "goals: public pages >= 80% of the baseline, member pages >= 25%, "
        "p99 < 4 x p50, no errors; "
        + ("all met" if not missed else "missed: " + ", ".join(missed))
    )
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "member_pages.json").write_text(
        json.dumps(
            {
                "args": vars(args),
                "results": results,
                "shares_percent": {page.label: share(page.label) for page in pages},
                "load_average": {"before": load_before, "after": load_after},
            },
            indent=2,
        )
    )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
