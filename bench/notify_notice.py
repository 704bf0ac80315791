"""Benchmark: one housing-community notice e-mailed to 10,000 residents through
the task worker, against a local SMTP sink, on PostgreSQL.

It builds (once; reused on the next run) one community with ``--residents``
owners, each with an account, an e-mail address and the community notices
chosen; publishes one notice with "notify residents" ticked, as an editor
would (the publish signal queues the notification task in the database
queue); then starts the real worker, ``manage.py iok_worker --batch
--no-schedule``, which finds the recipients, renders and records every
message and sends them in batches over SMTP to an aiosmtpd sink running in
this process. It prints the time from publishing to the worker's exit, the
worker's peak memory (ru_maxrss of the child), and the messages the sink
received (and how many the outbox recorded as sent).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/iok_notify \\
        .venv/bin/python bench/notify_notice.py [--residents 10000] [--port 8159]

It migrates that database and adds its own community, units and accounts
(numbers ``BN…``); it empties the outbox tables.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=8159, help="the SMTP sink's port")
    parser.add_argument("--batch-size", type=int, default=100)
    return parser.parse_args()


def environment(args) -> dict[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to the benchmark's PostgreSQL database")
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(args.port),
            "IOK_EMAIL_BATCH_SIZE": str(args.batch_size),
            "WAGTAILADMIN_BASE_URL": "https://iok.example.org",
        }
    )
    env.pop("REDIS_URL", None)
    return env


class Sink:
    def __init__(self):
        self.count = 0
        self.last_at = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += len(envelope.rcpt_tos)
            self.last_at = time.perf_counter()
        return "250 Message accepted"


def seed(residents: int) -> object:
    """The community, its owners and the notice listing; returns the listing."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from wagtail.models import Page

    from cms.models import CommunityNoticeIndexPage, CommunityNoticeSectionPage
    from ledger.models import Building, Estate, HousingCommunity, Party, Unit, UnitRight
    from members.models import NotificationPreference
    from members.notifications import COMMUNITY_NOTICES

    User = get_user_model()
    estate, _c = Estate.objects.get_or_create(
        code="BN-OS", defaults={"name": "Osiedle Benchmark"}
    )
    community, _created = HousingCommunity.objects.get_or_create(
        code="BN-WM",
        defaults={"name": "Wspólnota Mieszkaniowa Benchmark", "estate": estate},
    )
    have = Party.objects.filter(number__startswith="BN").count()
    if have < residents:
        with transaction.atomic():
            building, _c = Building.objects.get_or_create(
                code="BN-B1",
                defaults={
                    "estate": estate,
                    "community": community,
                    "address": "ul. Testowa 1",
                },
            )
            start = have
            numbers = [f"BN{n:06d}" for n in range(start, residents)]
            units = Unit.objects.bulk_create(
                Unit(
                    code=f"BN-L{n}",
                    building=building,
                    number=n,
                    kind=Unit.Kind.FLAT,
                    zone=Unit.Zone.COMMUNITY,
                )
                for n in numbers
            )
            parties = Party.objects.bulk_create(
                Party(number=n, name=f"Właściciel {n}") for n in numbers
            )
            UnitRight.objects.bulk_create(
                UnitRight(
                    external_id=f"BN-R{party.number}",
                    party=party,
                    unit=unit,
                    kind=UnitRight.Kind.SEPARATE_OWNERSHIP,
                    valid_from="2000-01-01",
                )
                for party, unit in zip(parties, units, strict=True)
            )
            users = User.objects.bulk_create(
                User(
                    username=party.number,
                    password="!",  # noqa: S106 - no password: never logs in
                    party=party,
                    email=f"{party.number.lower()}@example.org",
                )
                for party in parties
            )
            NotificationPreference.objects.bulk_create(
                NotificationPreference(user=user, topic=COMMUNITY_NOTICES, enabled=True)
                for user in users
            )
    index = CommunityNoticeIndexPage.objects.filter(community=community).first()
    if index is None:
        root = Page.get_first_root_node()
        section = CommunityNoticeSectionPage(title="Wspólnoty (bench)", slug="bn-wm")
        root.add_child(instance=section)
        section.save_revision().publish()
        index = CommunityNoticeIndexPage(
            title=community.name, slug="bn-wspolnota", community=community
        )
        section.add_child(instance=index)
        index.save_revision().publish()
    return index


def main() -> None:
    args = parse_args()
    env = environment(args)
    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    import django

    django.setup()

    import logging

    from django.core.management import call_command
    from django.db import connection, transaction

    from aiosmtpd.controller import Controller
    from django_tasks_db.models import DBTaskResult

    from cms.models import CommunityNoticePage
    from members.models import OutgoingEmail

    logging.disable(logging.INFO)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    index = seed(args.residents)
    print(f"residents ready ({time.perf_counter() - started:.0f} s)")
    OutgoingEmail.objects.all().delete()
    DBTaskResult.objects.all().delete()  # an empty queue: only this run's tasks

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=args.port)
    controller.start()
    try:
        notice = CommunityNoticePage(
            title=f"Przerwa w dostawie wody {time.strftime('%H:%M:%S')}",
            slug=f"woda-{secrets.token_hex(4)}",
            lead="Jutro od 8:00 do 12:00 nie będzie wody.",
            notify_residents=True,
        )
        index.add_child(instance=notice)
        published_at = time.perf_counter()
        with transaction.atomic():
            notice.save_revision().publish()
        connection.close()
        worker = subprocess.Popen(
            [PYTHON, str(ROOT / "manage.py"), "iok_worker", "--batch", "--no-schedule"],
            cwd=ROOT,
            env=env,
        )
        worker.wait()
        finished = time.perf_counter()
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    finally:
        controller.stop()
    sent = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count()
    waiting = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count()
    elapsed = finished - published_at
    print(f"residents notified: {args.residents}")
    print(f"time, publish to worker done: {elapsed:.1f} s")
    print(f"  last message at the sink after {sink.last_at - published_at:.1f} s")
    print(f"worker peak memory (ru_maxrss): {peak_kib / 1024:.0f} MiB")
    print(f"messages received by the sink: {sink.count}")
    print(f"outbox: {sent} sent, {waiting} still queued")
    print(f"throughput: {sink.count / elapsed:.0f} messages/s")
    if worker.returncode != 0:
        sys.exit(f"the worker exited with {worker.returncode}")


if __name__ == "__main__":
    main()
