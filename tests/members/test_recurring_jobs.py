"""The worker's schedule (members.jobs): scheduled publishing every minute,
retention once a night, each job once per period however many workers."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from django.core.management import call_command

from wagtail.models import Page

import pytest
import time_machine

from cms.models import HomePage, NoticeIndexPage, NoticePage
from members.jobs import run_due, schedule_loop
from members.models import RecurringJobRun

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def scheduled_notice():
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    home = HomePage(title="Start", slug="start-jobs")
    root.add_child(instance=home)
    index = NoticeIndexPage(title="Ogłoszenia", slug="ogloszenia")
    home.add_child(instance=index)
    notice = NoticePage(
        title="Wymiana wodomierzy",
        slug="wymiana",
        lead="Lead",
        date=dt.date(2026, 12, 8),
        live=False,
        go_live_at=dt.datetime(2026, 12, 7, 10, 0, tzinfo=WARSAW),
    )
    index.add_child(instance=notice)
    notice.save_revision().publish()  # stays scheduled until go_live_at
    return notice


def test_a_scheduled_notice_goes_live_when_the_worker_looks_next(scheduled_notice):
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 59, tzinfo=WARSAW)):
        run_due()
    scheduled_notice.refresh_from_db()
    assert not scheduled_notice.live
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 1, tzinfo=WARSAW)):
        assert "publish_scheduled" in run_due()
    scheduled_notice.refresh_from_db()
    assert scheduled_notice.live


def test_each_job_runs_once_per_period():
    night = dt.datetime(2026, 12, 7, 3, 20, tzinfo=WARSAW)
    assert run_due(now=night) == [
        "publish_scheduled",
        "announce_vote_windows",
        "send_outbox",
        "purge_old_data",
    ]
    # Another worker, 30 seconds later: nothing is due.
    assert run_due(now=night + dt.timedelta(seconds=30)) == []
    assert run_due(now=night + dt.timedelta(minutes=1)) == [
        "publish_scheduled",
        "announce_vote_windows",
        "send_outbox",
    ]
    # Retention: not again that night, not in the day, again the next night.
    assert "purge_old_data" not in run_due(now=night + dt.timedelta(hours=1))
    assert "purge_old_data" not in run_due(now=night + dt.timedelta(hours=8))
    assert "purge_old_data" in run_due(now=night + dt.timedelta(days=1))
    purge = RecurringJobRun.objects.get(job="purge_old_data")
    assert purge.last_ok is True
    assert "audit events before" in purge.last_output


def test_run_recurring_jobs_can_force_one_job(capsys):
    call_command("run_recurring_jobs", "--force", "purge_old_data")
    assert "purge_old_data: ok" in capsys.readouterr().out
    ran = RecurringJobRun.objects.filter(last_started_at__isnull=False)
    assert list(ran.values_list("job", flat=True)) == ["purge_old_data"]


@pytest.mark.django_db(transaction=True)  # the loop closes connections, as it must
def test_the_schedule_loop_runs_the_due_jobs_until_stopped():
    stop = threading.Event()
    stop.set()  # one pass, then it sees the stop
    with time_machine.travel(dt.datetime(2026, 12, 7, 12, 0, tzinfo=WARSAW)):
        schedule_loop(stop, tick=0)
    ran = RecurringJobRun.objects.filter(last_started_at__isnull=False)
    assert list(ran.values_list("job", flat=True)) == [
        "announce_vote_windows",
        "publish_scheduled",
        "send_outbox",
    ]
