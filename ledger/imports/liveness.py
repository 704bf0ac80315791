"""Is a "running" import still running? Interrupted imports are marked as such.

An import killed half-way (SIGKILL, out of memory, a power cut, a worker
restart) is rolled back by the database, but its DataImport row would stay
"running" forever. The rule that ends that (docs/import-formats.md):

* On PostgreSQL every run holds a transaction-level advisory lock keyed on its
  own DataImport id (``LIVENESS_CLASS``, id) for as long as its transaction is
  open, and its row turns "running" only once that lock is held. The lock goes
  with the session: if anyone can take it, the run is over, and a row still
  "running" then is marked "interrupted". Nothing is guessed from clocks, so a
  slow import is never marked while it works, and a dead one is marked at once.
* Elsewhere (SQLite, development only) there are no such locks: a "running"
  row whose heartbeat (``updated_at``) is older than
  ``settings.IOK_IMPORT_STALE_MINUTES`` is marked.

``mark_interrupted`` runs when the import screens of the admin are opened and
when a new import starts.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ledger.formatting import format_date
from ledger.models import DataImport

logger = logging.getLogger("ledger.imports")

# pg_advisory_xact_lock(int4, int4) key space of the per-run locks ("iok" in
# ASCII). The two-key form never collides with the one-key LOCK_KEY of pg.py.
LIVENESS_CLASS = 0x696F6B
# How long a run picked up by a process may stay "pending" before its lock
# must be held (see mark_interrupted).
START_GRACE = dt.timedelta(seconds=60)


def holds_locks() -> bool:
    return connection.vendor == "postgresql"


def hold(data_import_id: int) -> None:
    """Take this run's liveness lock; call inside the import's transaction."""
    if holds_locks():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s::int4, %s::int4)",
                [LIVENESS_CLASS, data_import_id],
            )


def _holder_gone(data_import_id: int) -> bool:
    """True when no session holds the run's lock (taken and released at once)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(%s::int4, %s::int4)",
            [LIVENESS_CLASS, data_import_id],
        )
        return bool(cursor.fetchone()[0])


def interrupted_message(last_seen: dt.datetime | None) -> str:
    when = (
        format_date(timezone.localtime(last_seen), "SHORT_DATETIME_FORMAT")
        if last_seen
        else "-"
    )
    return _(
        "The import was interrupted: its process ended before the import finished "
        "(stopped, killed, out of memory or a server restart; last sign of life "
        "%(when)s). Nothing from this file was saved: import it again."
    ) % {"when": when}


def mark_interrupted() -> list[int]:
    """Mark every "running" import whose process is gone; returns their ids.

    A run that a process has picked up (``started_at`` is set) but that is
    still "pending" died before it took its lock: on PostgreSQL it is marked
    once nobody holds the lock and START_GRACE has passed (the lock is taken
    milliseconds after the row is written), elsewhere by the heartbeat rule.
    A queued run that no process has picked up yet is left alone."""
    running = list(
        DataImport.objects.filter(
            Q(status=DataImport.Status.RUNNING)
            | Q(status=DataImport.Status.PENDING, started_at__isnull=False)
        ).values_list("pk", "status", "updated_at", "started_at", "file_name")
    )
    if not running:
        return []
    now = timezone.now()
    marked = []
    for pk, status, updated_at, started_at, file_name in running:
        last_seen = max(t for t in (updated_at, started_at) if t is not None)
        try:
            if holds_locks():
                dead = _holder_gone(pk)
                if status == DataImport.Status.PENDING:
                    dead = dead and now - last_seen > START_GRACE
            else:
                limit = dt.timedelta(minutes=settings.IOK_IMPORT_STALE_MINUTES)
                dead = now - last_seen > limit
            if not dead:
                continue
            # Stored for the office, in the site's language (as ledger.tasks).
            with translation.override(settings.LANGUAGE_CODE):
                message = interrupted_message(last_seen)
            problem = {
                "file": file_name,
                "line": 0,
                "column": None,
                "column_name": "",
                "message": message,
                "warning": False,
            }
            # Only if still "running": a run that has just finished writes its
            # own outcome, which wins.
            changed = DataImport.objects.filter(pk=pk, status=status).update(
                status=DataImport.Status.INTERRUPTED,
                finished_at=now,
                duration=now - started_at if started_at else None,
                inserted=0,
                updated=0,
                unchanged=0,
                removed=0,
                errors=[problem],
                updated_at=now,
            )
        except DatabaseError:  # a check must never break the page that runs it
            logger.warning("could not check import #%s", pk, exc_info=True)
            continue
        if changed:
            marked.append(pk)
            logger.warning(
                "data import %s (%s) marked interrupted: its process is gone "
                "(last sign of life %s)",
                pk,
                file_name,
                last_seen.isoformat(),
            )
    return marked
