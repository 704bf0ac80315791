"""Issue 18: the notifications residents choose, the unsubscribe links, the
outbox (batches, retries, a failing mail server) and the payment reminder."""

import datetime as dt
import os
import re
import socket
import time
from decimal import Decimal

from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Page

import pytest
from aiosmtpd.controller import Controller

from cms.models import HomePage, NoticeIndexPage, NoticePage
from ledger.models import LedgerEntry
from members import notifications
from members.area.services import discrepancy_report_answer
from members.models import DiscrepancyReport, NotificationSent, OutgoingEmail
from members.notifications import (
    NOTICES,
    PAYMENT_REMINDER,
    REQUESTS,
    preferences_for,
    preferences_set,
    unsubscribe_token,
)
from members.outbox import outbox_send_due, queue_email
from members.retention import PurgePlan, purge_old_data
from members.todo import todo_for
from tests.factories import (
    ChargeScheduleFactory,
    LedgerEntryFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)

Status = OutgoingEmail.Status


def resident(django_user_model, number, email, *, unit=None):
    party = PartyFactory(number=number, email="")
    UnitRightFactory(party=party, unit=unit or UnitFactory())
    return django_user_model.objects.create_user(
        username=number, password="lato2026", party=party, email=email
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anna(db, django_user_model):
    return resident(django_user_model, "300001", "anna@example.org")


@pytest.fixture
def bogdan(db, django_user_model):
    return resident(django_user_model, "300002", "bogdan@example.org")


# --- Choices ---------------------------------------------------------------------


def test_defaults_own_matters_on_the_rest_opt_in(anna):
    choices = preferences_for(anna)
    assert choices[notifications.DOCUMENTS] is True
    assert choices[REQUESTS] is True
    for topic in (NOTICES, notifications.COMMUNITY_NOTICES, notifications.VOTES):
        assert choices[topic] is False
    assert choices[PAYMENT_REMINDER] is False


def test_the_page_shows_and_saves_the_choices(anna, django_assert_max_num_queries):
    client = logged_in(anna)
    with django_assert_max_num_queries(12):
        response = client.get("/iok/powiadomienia/")
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        response["Cache-Control"].startswith("max-age=0")
        or "no-store" in (response["Cache-Control"])
    )
    assert "Powiadomienia e-mail" in page
    assert "anna@example.org" in page
    assert 'href="/iok/powiadomienia/"' in page  # in the member menu
    response = client.post(
        "/iok/powiadomienia/", {NOTICES: "on", PAYMENT_REMINDER: "on"}
    )
    assert response.status_code == 302
    choices = preferences_for(anna)
    assert choices[NOTICES] and choices[PAYMENT_REMINDER]
    # Unticked boxes are off, the defaults of own matters included.
    assert not choices[REQUESTS] and not choices[notifications.DOCUMENTS]


def test_the_page_needs_a_login(db):
    response = Client().get("/iok/powiadomienia/")
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")


def test_the_page_says_when_there_is_no_address(django_user_model, db):
    user = resident(django_user_model, "300009", "")
    page = logged_in(user).get("/iok/powiadomienia/").content.decode()
    assert "Nie mamy Twojego adresu e-mail" in page


# --- Unsubscribe ------------------------------------------------------------------


def test_a_link_unsubscribes_only_its_own_address_and_topic(anna, bogdan):
    for user in (anna, bogdan):
        preferences_set(user=user, choices={NOTICES: True, PAYMENT_REMINDER: True})
    token = unsubscribe_token(user=anna, address="anna@example.org", topic=NOTICES)
    url = reverse("members:unsubscribe", args=[token])

    page = Client().get(url)  # no login
    assert page.status_code == 200
    assert "anna@example.org" in page.content.decode()
    assert preferences_for(anna)[NOTICES] is True  # GET changes nothing

    response = Client().post(url)
    assert response.status_code == 200
    assert "Gotowe" in response.content.decode()
    assert preferences_for(anna)[NOTICES] is False
    # Another topic of the same address, and the same topic of another
    # address, stay as they were.
    assert preferences_for(anna)[PAYMENT_REMINDER] is True
    assert preferences_for(bogdan)[NOTICES] is True


def test_a_changed_token_cannot_reach_another_address_or_topic(anna, bogdan):
    preferences_set(user=bogdan, choices={NOTICES: True, PAYMENT_REMINDER: True})
    preferences_set(user=anna, choices={PAYMENT_REMINDER: True})
    token = unsubscribe_token(user=anna, address="anna@example.org", topic=NOTICES)
    payload, _sep, signature = token.rpartition(":")
    # The payload rewritten for Bogdan's account and another topic, with
    # Anna's signature kept: refused.
    forged_payload = signing.dumps(
        {"u": bogdan.pk, "a": "bogdan@example.org", "t": PAYMENT_REMINDER},
        salt="x",
        compress=True,
    ).rpartition(":")[0]
    attempts = [
        f"{forged_payload}:{signature}",
        token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),
        "nie-token",
        # Signed by the site but for another purpose (another salt).
        signing.dumps({"u": bogdan.pk, "a": "bogdan@example.org", "t": NOTICES}),
    ]
    for bad in attempts:
        for method in ("get", "post"):
            response = getattr(Client(), method)(
                reverse("members:unsubscribe", args=[bad])
            )
            assert response.status_code == 400
            assert "Ten odnośnik jest nieprawidłowy" in response.content.decode()
    assert preferences_for(bogdan)[NOTICES] is True
    assert preferences_for(bogdan)[PAYMENT_REMINDER] is True
    assert preferences_for(anna)[PAYMENT_REMINDER] is True


# --- Answers to reports: the signal, the e-mail, its headers ----------------------


def test_an_answered_report_emails_its_reporter_with_a_one_click_link(
    anna, django_user_model, django_capture_on_commit_callbacks
):
    staff = django_user_model.objects.create_user(username="urzednik", password="x1")
    unit = anna.party.rights.first().unit
    report = DiscrepancyReport.objects.create(
        unit=unit, party=anna.party, reporter=anna, message="Brak wpłaty z marca"
    )
    with django_capture_on_commit_callbacks(execute=True):
        discrepancy_report_answer(
            report=report, staff_user=staff, status="answered", answer="Poprawione."
        )
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    message = mail.outbox[0]
    assert message.subject.startswith("Odpowiedź:")
    assert f"/iok/zgloszenia/{report.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "Zrezygnuj z tych e-maili" in html
    link = re.fullmatch(
        r"<(https?://[^>]+)>", message.extra_headers["List-Unsubscribe"]
    )
    assert link is not None
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    record = OutgoingEmail.objects.get()
    assert record.status == Status.SENT and record.topic == REQUESTS
    assert record.text == "" and record.html == ""  # the body is not kept

    # The mail program's one-click POST (RFC 8058), no session, no CSRF token.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        link.group(1).removeprefix("http://testserver"),
        {"List-Unsubscribe": "One-Click"},
    )
    assert response.status_code == 200
    assert preferences_for(anna)[REQUESTS] is False

    # Answered again (edited): no second e-mail; and a resident who opted
    # out gets none.
    with django_capture_on_commit_callbacks(execute=True):
        discrepancy_report_answer(
            report=report, staff_user=staff, status="answered", answer="Poprawione!"
        )
    assert len(mail.outbox) == 1


# --- Cooperative notices --------------------------------------------------------


@pytest.fixture
def notice_index(db):
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    home = HomePage(title="Start", slug="start-notify")
    root.add_child(instance=home)
    index = NoticeIndexPage(title="Ogłoszenia", slug="ogloszenia")
    home.add_child(instance=index)
    return index


def test_a_notice_notifies_the_residents_who_opted_in_once(
    notice_index, anna, bogdan, django_capture_on_commit_callbacks
):
    preferences_set(user=anna, choices={NOTICES: True})
    notice = NoticePage(
        title="Przegląd kominiarski", slug="kominy", lead="W dniach 3–5 marca."
    )
    notice_index.add_child(instance=notice)
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert "Przegląd kominiarski" in mail.outbox[0].subject
    assert "W dniach 3–5 marca." in mail.outbox[0].body

    # A correction published again, or unpublished and published: nobody again.
    notice.title = "Przegląd kominiarski (zmiana terminu)"
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
        notice.unpublish()
        notice.save_revision().publish()
    assert len(mail.outbox) == 1
    assert NotificationSent.objects.get(topic=NOTICES).recipients_count == 1


# --- The outbox and a real SMTP server -----------------------------------------------


def _free_port() -> int:
    first, _sep, last = os.environ.get("IOK_TEST_PORTS", "8150-8159").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port in IOK_TEST_PORTS")


class Sink:
    """An SMTP server that keeps what it receives, refusing one address for
    good (550)."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("nikt@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp_settings(settings):
    port = _free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 5
    settings.EMAIL_USE_TLS = False
    settings.IOK_EMAIL_BATCH_SIZE = 2
    return settings


def test_a_failing_mail_server_keeps_messages_queued_and_they_go_later(
    db, smtp_settings, django_capture_on_commit_callbacks
):
    # Nothing listens on the port yet: the server is down.
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            queue_email(
                to=f"osoba{n}@example.org",
                subject=f"Wiadomość {n}",
                text="Treść",
                topic="test",
            )
    rows = OutgoingEmail.objects.order_by("pk")
    assert [row.status for row in rows] == [Status.QUEUED] * 5
    assert all(row.attempts == 1 for row in rows)
    assert all("Connection refused" in row.last_error for row in rows)
    assert all(row.next_attempt_at > timezone.now() for row in rows)
    assert all(row.text == "Treść" for row in rows)  # kept for the retry

    # Still down at the retry: a second attempt, a longer wait.
    later = timezone.now() + dt.timedelta(minutes=2)
    outbox_send_due(now=later)
    rows = list(OutgoingEmail.objects.order_by("pk"))
    assert all(row.attempts == 2 and row.status == Status.QUEUED for row in rows)
    assert all(row.next_attempt_at >= later + dt.timedelta(minutes=2) for row in rows)

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        # Not due yet: nothing is sent before its retry time.
        assert outbox_send_due() == 0
        queue_email(to="nikt@example.org", subject="Do nikogo", text="x")
        handled = outbox_send_due(now=timezone.now() + dt.timedelta(minutes=10))
    finally:
        controller.stop()
    assert handled == 6
    # Everything arrived, once (batches of 2: three SMTP connections).
    assert sorted(to[0] for to, _content in sink.received) == [
        f"osoba{n}@example.org" for n in range(5)
    ]
    sent = OutgoingEmail.objects.filter(status=Status.SENT)
    assert sent.count() == 5
    assert not sent.exclude(text="").exists()  # bodies cleared once sent
    refused = OutgoingEmail.objects.get(to="nikt@example.org")
    assert refused.status == Status.FAILED  # 550: failed at once, not retried
    assert "550" in refused.last_error


def test_after_the_last_attempt_a_message_is_failed_and_staff_see_it(
    db, smtp_settings, staff_client, django_capture_on_commit_callbacks
):
    smtp_settings.IOK_EMAIL_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to="ktos@example.org", subject="Próba", text="Treść", topic="test")
    outbox_send_due(now=timezone.now() + dt.timedelta(hours=1))
    email = OutgoingEmail.objects.get()
    assert email.status == Status.FAILED and email.attempts == 2

    entries = {entry.key: entry for entry in todo_for(staff_client.user)}
    assert entries["emails-undelivered"].count == 1
    index = staff_client.get(entries["emails-undelivered"].url)
    assert index.status_code == 200
    page = index.content.decode()
    assert "ktos@example.org" in page and "Wyślij ponownie" in page

    action = reverse("members_outbox_action", args=[email.pk, "retry"])
    assert staff_client.get(action).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert staff_client.post(action).status_code == 302
    email.refresh_from_db()
    # Queued again (the server is still down, so it waits for its retry).
    assert email.status == Status.QUEUED and email.attempts == 1
    assert todo_for(staff_client.user)[0] is not None
    entries = {entry.key: entry for entry in todo_for(staff_client.user)}
    assert entries["emails-undelivered"].count == 0


def test_a_bounce_read_from_a_dsn_marks_the_message(db, tmp_path, settings):
    with_id = OutgoingEmail.objects.create(
        to="stary@example.org",
        subject="Ogłoszenie",
        status=Status.SENT,
        sent_at=timezone.now(),
        message_id="<abc.123@iok.example>",
    )
    other = OutgoingEmail.objects.create(
        to="inny@example.org", subject="Ogłoszenie", status=Status.SENT
    )
    dsn = tmp_path / "bounce.eml"
    dsn.write_text(
        "From: MAILER-DAEMON@example.org\n"
        "To: iok@localhost\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n'
        "\n--B\nContent-Type: text/plain\n\nDelivery failed.\n"
        "--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.org\n\n"
        "Final-Recipient: rfc822; stary@example.org\n"
        "Action: failed\nStatus: 5.1.1\n\n"
        "--B\nContent-Type: text/rfc822-headers\n\n"
        "Message-ID: <abc.123@iok.example>\nSubject: Ogłoszenie\n\n"
        "--B--\n"
    )
    call_command("record_bounces", str(dsn))
    with_id.refresh_from_db()
    other.refresh_from_db()
    assert with_id.status == Status.BOUNCED and with_id.bounced_at is not None
    assert other.status == Status.SENT


def test_retention_deletes_old_records_but_not_queued_ones(db, settings):
    old = timezone.now() - dt.timedelta(days=settings.IOK_EMAIL_RETENTION_DAYS + 1)
    gone = OutgoingEmail.objects.create(
        to="a@example.org", subject="s", status=Status.SENT, created_at=old
    )
    waiting = OutgoingEmail.objects.create(
        to="b@example.org", subject="s", status=Status.QUEUED, created_at=old
    )
    result = purge_old_data(plan=PurgePlan.from_settings())
    assert result.deleted["e-mail records"] == 1
    assert not OutgoingEmail.objects.filter(pk=gone.pk).exists()
    assert OutgoingEmail.objects.filter(pk=waiting.pk).exists()


# --- The payment reminder --------------------------------------------------------


@pytest.fixture
def households(db, django_user_model):
    """Anna owes this month's charges (due on the 10th); Celina paid in
    advance; Bogdan owes too but did not choose the reminder."""
    people = {}
    for number, name, paid in (
        ("310001", "anna", Decimal("0")),
        ("310002", "celina", Decimal("5000.00")),
        ("310003", "bogdan", Decimal("0")),
    ):
        unit = UnitFactory()
        ChargeScheduleFactory(unit=unit, monthly_amount=Decimal("1234.56"), due_day=10)
        user = resident(django_user_model, number, f"{name}@example.org", unit=unit)
        if paid:
            LedgerEntryFactory(
                unit=unit,
                amount=paid,
                kind=LedgerEntry.Kind.PAYMENT,
                booking_date=dt.date(2026, 2, 20),
            )
        if name != "bogdan":
            preferences_set(user=user, choices={PAYMENT_REMINDER: True})
        people[name] = user
    return people


def test_a_reminder_goes_once_per_period_and_only_when_something_is_due(
    households, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.payment_reminders_send(today=dt.date(2026, 3, 4)) == 0
    assert mail.outbox == []  # the 10th is six days away: not yet

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.payment_reminders_send(today=dt.date(2026, 3, 5)) == 1
        # The next days' runs send nothing more this month.
        assert notifications.payment_reminders_send(today=dt.date(2026, 3, 6)) == 0
        assert notifications.payment_reminders_send(today=dt.date(2026, 3, 10)) == 0
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    message = mail.outbox[0]
    assert "10.03.2026" in message.subject
    assert "1\xa0234,56\xa0zł" in message.body  # Polish format
    assert "nie stanowią jedynej podstawy roszczeń" in message.body  # §III.6
    assert "§III.6" in message.alternatives[0][0]

    # Next month, the next reminder.
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.payment_reminders_send(today=dt.date(2026, 4, 6)) == 1
    assert len(mail.outbox) == 2


def test_the_worker_job_runs_the_reminders_by_command(households):
    from members.jobs import JOBS

    assert {"send_outbox", "send_payment_reminders"} <= {job.name for job in JOBS}
    call_command("send_payment_reminders")  # today: whatever is due, no error
    call_command("send_outbox")


def test_the_data_export_lists_choices_and_emails(anna):
    from members.area.export import my_data

    preferences_set(user=anna, choices={NOTICES: True})
    OutgoingEmail.objects.create(
        to="anna@example.org", subject="Nowe ogłoszenie", user=anna, topic=NOTICES
    )
    data = my_data(user=anna)
    assert {"topic": NOTICES, "enabled": True} in data["notification_choices"]
    assert data["emails"][0]["subject"] == "Nowe ogłoszenie"
    assert "text" not in data["emails"][0]


def test_time_is_not_spent_in_the_request(anna, django_capture_on_commit_callbacks):
    """Publishing or answering queues; the sending happens in the task."""
    start = time.monotonic()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_email(to="x@example.org", subject="s", text="t")
    assert mail.outbox == [] and len(callbacks) == 1
    assert time.monotonic() - start < 5


def test_demo_residents_have_their_choices(db):
    import io

    from members import demo

    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())  # idempotent
    from members.models import User

    first = preferences_for(User.objects.get(username="100001"))
    assert first[notifications.COMMUNITY_NOTICES] and first[PAYMENT_REMINDER]
    second = preferences_for(User.objects.get(username="100002"))
    assert second[NOTICES] and not second[PAYMENT_REMINDER]


def test_a_decided_contact_change_tells_the_resident_unless_they_opted_out(
    anna, bogdan, django_user_model, django_capture_on_commit_callbacks
):
    from members.area.services import (
        contact_change_request_create,
        contact_change_request_decide,
    )

    staff = django_user_model.objects.create_user(username="rejestr", password="x1")
    preferences_set(user=bogdan, choices={REQUESTS: False})
    for user in (anna, bogdan):
        change = contact_change_request_create(
            party=user.party, user=user, phone="600 700 800"
        )
        with django_capture_on_commit_callbacks(execute=True):
            contact_change_request_decide(change=change, staff_user=staff, confirm=True)
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert "/iok/dane-kontaktowe/" in mail.outbox[0].body
