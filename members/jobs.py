"""The recurring jobs of IOK and the worker's schedule that runs them.

There is no cron line: the task worker (``manage.py iok_worker``, started by
``make serve`` and by the ``iok-worker`` systemd unit) checks every minute
which jobs are due and runs them (``run_due``). Each job's last run is kept in
``RecurringJobRun``; the check and the run hold that row's lock, so with
several workers a job still runs once per period. ``manage.py
run_recurring_jobs`` runs the due jobs once by hand (or ``--force`` one).

Adding a job (e.g. the reminders of a later issue): one ``Job`` in ``JOBS``
naming its management command and its period.
"""

from __future__ import annotations

import datetime
import io
import logging
import threading
from dataclasses import dataclass

from django.core.management import call_command
from django.db import close_old_connections, transaction
from django.utils import timezone

from members.models import RecurringJobRun

logger = logging.getLogger("members.jobs")

#: How often the worker looks for due jobs (seconds).
TICK_SECONDS = 60


@dataclass(frozen=True)
class Job:
    name: str
    command: str
    # Either every ``every`` (from the last start), or once a day in the night
    # window that starts at ``daily_at`` (local time) and lasts ``window``.
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None
    window: datetime.timedelta = datetime.timedelta(hours=2)

    def is_due(
        self, last_started: datetime.datetime | None, now: datetime.datetime
    ) -> bool:
        if self.every is not None:
            return last_started is None or now - last_started >= self.every
        local = timezone.localtime(now)
        start = local.replace(
            hour=self.daily_at.hour,
            minute=self.daily_at.minute,
            second=0,
            microsecond=0,
        )
        if not (start <= local < start + self.window):
            return False
        return last_started is None or timezone.localtime(last_started) < start


JOBS: tuple[Job, ...] = (
    # Scheduled publishing and expiry of pages (notices with "go live at").
    Job("publish_scheduled", "publish_scheduled", every=datetime.timedelta(minutes=1)),
    # Votes on resolutions: announce each window that opened or closed, once
    # (members.area.votes.vote_windows_notice records it on the vote).
    Job(
        "announce_vote_windows",
        "announce_vote_windows",
        every=datetime.timedelta(minutes=1),
    ),
    # The outbox: what is queued or due for a retry (members.outbox); new
    # messages also wake the worker at once.
    Job("send_outbox", "send_outbox", every=datetime.timedelta(minutes=1)),
    # Payment reminders a few days before the due date (members.notifications).
    Job(
        "send_payment_reminders", "send_payment_reminders", daily_at=datetime.time(7, 0)
    ),
    # RODO retention (docs/operations.md, section 5), every night.
    Job("purge_old_data", "purge_old_data", daily_at=datetime.time(3, 15)),
)


def run_job(job: Job, row: RecurringJobRun, now: datetime.datetime) -> bool:
    out = io.StringIO()
    row.last_started_at = now
    try:
        call_command(job.command, stdout=out, stderr=out)
    except Exception:  # one job failing must not stop the others
        logger.exception("recurring job %s failed", job.name)
        row.last_ok = False
    else:
        row.last_ok = True
    row.last_finished_at = timezone.now()
    row.last_output = out.getvalue()[-4000:]
    row.save()
    logger.info("recurring job %s: %s", job.name, "ok" if row.last_ok else "failed")
    return bool(row.last_ok)


def run_due(
    *, now: datetime.datetime | None = None, force: str | None = None
) -> list[str]:
    """Run every job that is due now (or the job named ``force``); returns the
    names of the jobs run."""
    now = now or timezone.now()
    ran = []
    for job in JOBS:
        if force is not None and job.name != force:
            continue
        # Claim the run under the row's lock and commit the claim, so that
        # another worker skips it; the job then runs in its own transactions
        # (the outbox commits each batch it has handed to the mail server).
        with transaction.atomic():
            RecurringJobRun.objects.get_or_create(job=job.name)
            row = RecurringJobRun.objects.select_for_update().get(job=job.name)
            if force is None and not job.is_due(row.last_started_at, now):
                continue
            row.last_started_at = now
            row.save(update_fields=["last_started_at"])
        run_job(job, row, now)
        ran.append(job.name)
    return ran


def schedule_loop(stop: threading.Event, *, tick: float = TICK_SECONDS) -> None:
    """The worker's schedule: run what is due, then again every ``tick``
    seconds until ``stop`` is set."""
    while True:
        try:
            run_due()
        except Exception:  # keep the schedule alive (database restart)
            logger.exception("recurring jobs: check failed")
        finally:
            close_old_connections()
        if stop.wait(tick):
            return
