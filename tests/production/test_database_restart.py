"""PostgreSQL restarted while residents use the member area.

A private PostgreSQL on 127.0.0.1:5433 (never the shared 5432 server) gets a
copy of the test database with two residents; gunicorn (production settings,
2 workers) serves it while client threads logged in as one resident fetch
member pages. The cluster is stopped ("fast": sessions terminated) and started
again. Every response must be either the right page for that resident or the
friendly Polish 503 page (never a 500, a stack trace or the other resident's
data), and the app must serve 200 again after PostgreSQL is back, without a
restart of gunicorn.
"""

import subprocess
import threading
import time
from dataclasses import dataclass

import pytest
import requests

from tests.area.conftest import make_resident

from .conftest import RESIDENT_PASSWORD
from .private_pg import PrivatePostgres, PrivatePostgresError
from .servers import (
    AppServer,
    HttpClient,
    ci,
    free_port,
    production_env,
    require_postgresql,
)
from .servers import shared_database_url as database_url

pytestmark = pytest.mark.django_db(transaction=True)

OUTAGE_SECONDS = 3
RECOVERY_LIMIT_SECONDS = 20
CLIENTS = 4


@pytest.fixture
def private_pg():
    require_postgresql()
    pg = PrivatePostgres()
    try:
        pg.create()
    except (PrivatePostgresError, OSError, subprocess.SubprocessError) as exc:
        pg.destroy()
        if ci():
            pytest.fail(f"could not create the private PostgreSQL on 5433: {exc}")
        pytest.skip(f"no private PostgreSQL on 5433: {exc}")
    yield pg
    pg.destroy()


def copy_test_database(pg: PrivatePostgres, name: str) -> str:
    """The pytest test database (migrated, with the test's residents) copied
    into the private cluster with pg_dump, much faster than migrating again."""
    pg._run("createdb", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", name)
    dump = subprocess.run(
        [str(pg.bin / "pg_dump"), "--no-owner", "--dbname", database_url()],
        capture_output=True,
        check=True,
        timeout=120,
    )
    subprocess.run(
        [
            str(pg.bin / "psql"),
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--dbname",
            pg.database_url(name),
        ],
        input=dump.stdout,
        capture_output=True,
        check=True,
        timeout=120,
    )
    return pg.database_url(name)


@dataclass
class Seen:
    started: float
    finished: float
    path: str
    status: int
    problem: str = ""


def classify(path: str, response: requests.Response, own: str, other: str) -> str:
    """ "" when the response is acceptable, else what is wrong with it."""
    body = response.text
    if other in body:
        return "another resident's data"
    if "Traceback" in body or "OperationalError" in body:
        return "error details leaked"
    if response.status_code == 200:
        if path == "/healthz":
            return "" if response.json()["database"] == "ok" else "bad health"
        return "" if own in body else "200 without the resident's page"
    if response.status_code == 503:
        if path == "/healthz":
            return "" if response.json()["database"] == "unreachable" else "bad 503"
        if "Serwis chwilowo niedostępny" not in body:
            return "503 without the friendly page: " + body[:200]
        if response.headers.get("Retry-After") != "30":
            return "503 without Retry-After"
        return ""
    return f"unexpected status {response.status_code}"


def test_member_pages_fail_cleanly_and_recover_after_a_database_restart(
    private_pg, static_root, tmp_path, django_user_model, production_resident, capsys
):
    make_resident(django_user_model, number="610002", name="Bożena Sąsiadka")
    unit = production_resident.party.rights.get().unit_id
    url = copy_test_database(private_pg, "iok_fault")
    env = production_env(url, static_root, GUNICORN_WORKERS="2")
    paths = ["/iok/", f"/iok/kartoteka/{unit}/", "/iok/liczniki/", "/healthz"]

    with AppServer(env, free_port(), tmp_path / "gunicorn.log") as server:
        master = server.process.pid
        resident = HttpClient()
        login = resident.login(
            server.url, production_resident.username, RESIDENT_PASSWORD
        )
        assert login.status_code == 302
        seen: list[Seen] = []
        stop = threading.Event()

        def client(offset: int) -> None:
            browser = HttpClient()
            browser.cookies = dict(resident.cookies)
            i = offset
            while not stop.is_set():
                path = paths[i % len(paths)]
                i += 1
                started = time.monotonic()
                try:
                    response = browser.get(server.url + path, timeout=10)
                    problem = classify(
                        path, response, "Zofia Produkcyjna", "Bożena Sąsiadka"
                    )
                    status = response.status_code
                except requests.RequestException as exc:
                    status, problem = 0, f"no response: {exc}"
                seen.append(Seen(started, time.monotonic(), path, status, problem))

        threads = [
            threading.Thread(target=client, args=(n,), daemon=True)
            for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)
        down_at = time.monotonic()
        private_pg.stop("fast")
        stopped_at = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        # Requests that finish after this instant may already reach the restarted
        # server (start() returns once it accepts connections), so the outage
        # window ends here, not when start() returns.
        restarting_at = time.monotonic()
        private_pg.start()
        up_at = time.monotonic()
        deadline = up_at + RECOVERY_LIMIT_SECONDS
        while time.monotonic() < deadline:
            recent = [s for s in seen if s.started > up_at]
            if recent and sum(s.status == 200 for s in recent[-8:]) == 8:
                break
            time.sleep(0.2)
        recovered_at = time.monotonic()
        time.sleep(2)
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        assert server.process.poll() is None and server.process.pid == master

    problems = [s for s in seen if s.problem]
    during = [s for s in seen if s.started > stopped_at and s.finished < restarting_at]
    after = [s for s in seen if s.started > recovered_at]
    first_ok = min(
        (s.finished for s in seen if s.started > up_at and s.status == 200),
        default=None,
    )
    summary = {
        "requests": len(seen),
        "before": _count(s for s in seen if s.finished < down_at),
        "during outage": _count(during),
        "after restart": _count(s for s in seen if s.started > up_at),
        "recovered in s": None if first_ok is None else round(first_ok - up_at, 2),
    }
    with capsys.disabled():
        print(f"\ndatabase restart under load: {summary}")
    assert problems == [], problems[:5]
    assert during and all(s.status == 503 for s in during)
    assert after and all(s.status == 200 for s in after)


def _count(items) -> dict[int, int]:
    counts: dict[int, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts
