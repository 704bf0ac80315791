from django.db import DatabaseError

import pytest


@pytest.mark.django_db
def test_healthz_reports_app_and_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "tasks": {"waiting": 0, "oldest_wait_seconds": 0, "draining": True},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken_execute(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken_execute)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_healthz_reports_the_oldest_waiting_task_and_fails_when_not_draining(
    client, settings
):
    """A task nobody runs: /healthz reports its age; the worker check fails
    once it has waited longer than IOK_TASK_MAX_WAIT_SECONDS."""
    import datetime as dt

    from django.utils import timezone

    from django_tasks_db.models import DBTaskResult

    from members.outbox import send_outbox

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.IOK_TASK_MAX_WAIT_SECONDS = 600
    send_outbox.enqueue()

    fresh = client.get("/healthz?check=worker")
    assert fresh.status_code == 200
    assert fresh.json()["tasks"]["waiting"] == 1
    assert fresh.json()["tasks"]["draining"] is True

    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=11))
    stuck = client.get("/healthz?check=worker")
    assert stuck.status_code == 503
    assert stuck.json()["tasks"]["draining"] is False
    assert stuck.json()["tasks"]["oldest_wait_seconds"] >= 660
    # The load balancer's check stays up: the site itself works.
    plain = client.get("/healthz")
    assert plain.status_code == 200
    assert plain.json()["tasks"]["draining"] is False
