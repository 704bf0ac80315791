"""An import whose process died (killed, out of memory, a restart) does not
show "running" forever: the import screens and the next import mark it
"interrupted" with a Polish explanation; a live one is left alone."""

import datetime as dt

from django.db import connection
from django.urls import reverse
from django.utils import timezone

import pytest

from ledger.imports.liveness import mark_interrupted
from ledger.models import DataImport

from .conftest import SAMPLES, import_alive, run

pytestmark = pytest.mark.django_db
PG = connection.vendor == "postgresql"


def running_import(minutes_ago: int = 0, **extra) -> DataImport:
    row = DataImport.objects.create(
        kind="ledger",
        file_name="ksiegowania.csv",
        checksum="a" * 64,
        status=DataImport.Status.RUNNING,
        started_at=timezone.now(),
        rows_total=1000,
        progress=300,
        **extra,
    )
    if minutes_ago:
        then = timezone.now() - dt.timedelta(minutes=minutes_ago)
        DataImport.objects.filter(pk=row.pk).update(started_at=then, updated_at=then)
    return row


def stale_minutes(settings) -> int:
    return settings.IOK_IMPORT_STALE_MINUTES + 5


def test_status_page_marks_a_dead_import_interrupted(staff_client, settings):
    dead = running_import(minutes_ago=stale_minutes(settings))

    html = staff_client.get(reverse("ledger_imports:status", args=[dead.pk]))
    html = html.content.decode()

    dead.refresh_from_db()
    assert dead.status == DataImport.Status.INTERRUPTED
    assert dead.finished_at is not None and dead.inserted == 0
    message = dead.errors[0]["message"]
    assert message.startswith("Import przerwany")
    assert "Nic z tego pliku nie zostało zapisane" in message
    assert "przerwany" in html and message.split(":")[0] in html
    assert "Import został przerwany: nic nie zostało zmienione" in html
    assert 'http-equiv="refresh"' not in html  # no longer pretends to run


def test_live_import_stays_running(staff_client, settings):
    live = running_import()
    with import_alive(live.pk):
        page = staff_client.get(reverse("ledger_imports:status", args=[live.pk]))
        listing = staff_client.get("/admin/ledger/dataimport/")
        assert mark_interrupted() == []
    live.refresh_from_db()
    assert live.status == DataImport.Status.RUNNING
    assert 'http-equiv="refresh"' in page.content.decode()
    assert listing.status_code == 200


@pytest.mark.skipif(not PG, reason="the liveness lock is PostgreSQL's")
def test_on_postgresql_the_lock_decides_not_the_clock(staff_client):
    """A run killed a second ago is marked at once; a run that has been quiet
    for hours (a long upsert) but holds its lock is not."""
    just_killed = running_import()
    quiet_but_alive = running_import(minutes_ago=24 * 60)
    with import_alive(quiet_but_alive.pk):
        staff_client.get("/admin/ledger-imports/")
    just_killed.refresh_from_db()
    quiet_but_alive.refresh_from_db()
    assert just_killed.status == DataImport.Status.INTERRUPTED
    assert quiet_but_alive.status == DataImport.Status.RUNNING


@pytest.mark.skipif(PG, reason="the heartbeat rule is for databases without locks")
def test_without_locks_the_heartbeat_decides(settings):
    recent = running_import(minutes_ago=settings.IOK_IMPORT_STALE_MINUTES - 5)
    old = running_import(minutes_ago=stale_minutes(settings))
    assert mark_interrupted() == [old.pk]
    recent.refresh_from_db()
    assert recent.status == DataImport.Status.RUNNING


def test_imports_list_marks_dead_imports(staff_client, settings):
    dead = running_import(minutes_ago=stale_minutes(settings))
    html = staff_client.get("/admin/ledger/dataimport/").content.decode()
    dead.refresh_from_db()
    assert dead.status == DataImport.Status.INTERRUPTED
    assert "przerwany" in html


def test_a_new_import_marks_dead_ones_and_runs(settings):
    dead = running_import(minutes_ago=stale_minutes(settings))
    result = run("estates", SAMPLES / "estates.csv")
    dead.refresh_from_db()
    assert dead.status == DataImport.Status.INTERRUPTED
    assert DataImport.objects.get(pk=result.data_import_id).status == "succeeded"


def test_a_finished_import_is_never_marked(staff_client, settings):
    done = running_import(minutes_ago=stale_minutes(settings))
    DataImport.objects.filter(pk=done.pk).update(status=DataImport.Status.SUCCEEDED)
    assert mark_interrupted() == []
    done.refresh_from_db()
    assert done.status == DataImport.Status.SUCCEEDED
