"""Health endpoint: is the app up, can it reach the database, and is the task
worker draining the queue?

- ``GET /healthz`` (the load balancer's check): 200 when the app and the
  database answer, 503 otherwise. The body also reports the task queue:
  how many tasks wait and how long the oldest has waited, and whether the
  worker keeps up (``draining``). A stuck worker does not fail this check: the
  site itself still works, and failing it would take every app server out of
  the load balancer at once.
- ``GET /healthz?check=worker`` (monitoring; docs/deployment.md): also 503
  when the oldest waiting task has waited longer than
  ``IOK_TASK_MAX_WAIT_SECONDS`` (default 600): the worker is down or stuck.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


def task_queue_state() -> dict:
    """How many tasks are ready to run and how long the oldest has waited."""
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values("enqueued_at", "run_after").first()
    if oldest is None:
        return {"waiting": 0, "oldest_wait_seconds": 0, "draining": True}
    since = oldest["enqueued_at"]
    if oldest["run_after"] != get_date_max():
        since = max(since, oldest["run_after"])
    wait = max(0, int((timezone.now() - since).total_seconds()))
    return {
        "waiting": ready.count(),
        "oldest_wait_seconds": wait,
        "draining": wait <= settings.IOK_TASK_MAX_WAIT_SECONDS,
    }


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        tasks = task_queue_state()
    except DatabaseError:
        logger.warning("health check: database unreachable", exc_info=True)
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    if request.GET.get("check") == "worker" and not tasks["draining"]:
        logger.warning("health check: the task worker is not draining: %s", tasks)
        return JsonResponse(
            {"status": "error", "database": "ok", "tasks": tasks}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "tasks": tasks})
