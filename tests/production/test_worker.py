"""The worker is part of the product (issue 15): ``make serve`` starts it
beside gunicorn, and an import an accountant starts in the admin, queued in
the database, is run by that very command (``make worker-command`` prints
what ``make serve`` runs; this test starts it the same way, without the web
server, which the test's client stands in for)."""

import os
import shlex
import signal
import subprocess
import time

from django.core.cache import cache

import pytest

from ledger.models import DataImport
from tests.conftest import log_in_verified_staff
from tests.imports.conftest import ORDER, SAMPLES, run

from .servers import ROOT, production_env, require_postgresql, shared_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def make(*args: str) -> str:
    return subprocess.run(
        ["make", "-s", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def worker_command() -> str:
    command = make("worker-command").strip()
    assert command.endswith("manage.py iok_worker")
    return command


def test_make_serve_starts_the_worker_beside_gunicorn():
    serve = make("-n", "serve")
    command = worker_command()
    worker_line = next(line for line in serve.splitlines() if command in line)
    assert "& worker=$!" in worker_line  # in the background, stopped with make
    assert "gunicorn -c cms/gunicorn.conf.py" in serve


def test_an_admin_import_is_run_by_the_worker_that_make_serve_starts(
    settings, tmp_path, client, django_user_model
):
    require_postgresql()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"  # production_env's MEDIA_ROOT too
    cache.clear()
    for kind in ORDER[: ORDER.index("ledger")]:
        run(kind, SAMPLES / f"{kind}.csv")
    staff = django_user_model.objects.create_superuser(
        username="ksiegowa", email="k@example.pl", password="Haslo12345!"
    )
    log_in_verified_staff(client, staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/admin/ledger-imports/",
        {
            "kind": "ledger",
            "file": SimpleUploadedFile(
                "ksiegowania.csv", (SAMPLES / "ledger.csv").read_bytes()
            ),
            "source": "fk",
            "replace_period": "",
            "encoding": "",
        },
    )
    assert response.status_code == 302
    queued = DataImport.objects.get(kind="ledger")
    assert queued.finished_at is None  # waiting ("oczekuje"): nobody runs it yet
    health = client.get("/healthz").json()
    assert health["tasks"]["waiting"] >= 1

    env = production_env(shared_database_url(), tmp_path / "static")
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        shlex.split(worker_command()),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            queued.refresh_from_db()
            if queued.finished_at is not None:
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    assert queued.finished_at is not None, (tmp_path / "worker.log").read_text()
    assert queued.status == DataImport.Status.DRY_RUN
    assert queued.rows_total == 22
    assert client.get("/healthz").json()["tasks"]["waiting"] == 0
