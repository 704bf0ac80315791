"""Every e-mail the portal sends goes through ``queue_email()``.

Callers render their message (``render_email()`` gives the subject, the plain
text and the HTML of a template set, in Polish) and queue it; nothing is sent
in a request. ``queue_email()`` records the message (``OutgoingEmail``, in the
caller's transaction: a rolled-back change sends nothing) and, once the
transaction commits, asks the task worker to send what is waiting
(``send_outbox``). The recurring job ``send_outbox`` (``members.jobs``, every
minute) picks up what is due for a retry too.

Sending (``outbox_send_due()``): batches of ``IOK_EMAIL_BATCH_SIZE`` messages,
one SMTP connection per batch. A message that cannot be sent for a passing
reason (the server is down, refuses the connection, answers 4xx) stays
queued and is retried after 1, 2, 4… minutes (at most
``IOK_EMAIL_RETRY_MAX_SECONDS``); after ``IOK_EMAIL_MAX_ATTEMPTS`` attempts, or
at once when the server refuses the recipient for good (5xx), it is failed.
Staff see failed and bounced messages in the admin ("E-maile") and may queue
them again. Once sent, the body is cleared; the record (topic, address,
subject, status, times) stays until ``purge_old_data`` removes it
(``IOK_EMAIL_RETENTION_DAYS``).

With several workers each batch's rows are locked (``SKIP LOCKED`` on
PostgreSQL), so two workers never send the same message. Delivery is at least
once: a worker killed in the middle of a batch leaves its rows queued, and the
next batch may send some of them again.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from django_tasks import task

from .models import OutgoingEmail

logger = logging.getLogger("members.outbox")

Status = OutgoingEmail.Status


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    """``(subject, text, html)`` from ``<prefix>_subject.txt``, ``<prefix>.txt``
    and, when it exists, ``<prefix>.html`` (else ``html`` is empty), rendered in
    the site's language (Polish)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        text = render_to_string(f"{template_prefix}.txt", context)
        try:
            html = render_to_string(f"{template_prefix}.html", context)
        except TemplateDoesNotExist:
            html = ""
    return " ".join(subject.split()), text, html


def _message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "iok.localhost"
    return make_msgid(domain=domain.strip("<> "))


def _row(*, to, subject, text, html, topic, user, headers) -> OutgoingEmail:
    return OutgoingEmail(
        to=to,
        subject=" ".join(subject.split())[:300],
        text=text,
        html=html,
        topic=topic,
        user=user,
        headers=headers or {},
        message_id=_message_id(),
    )


def _kick() -> None:
    send_outbox.enqueue()


def queue_email(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    topic: str = "",
    user=None,
    headers: dict | None = None,
) -> None:
    """Queue one message to the address ``to``. ``topic`` names what it is
    about (a notification topic of ``members.notifications``, or a
    transactional kind such as ``vote-receipt``); ``user`` is the account it
    is for, when there is one."""
    _row(
        to=to,
        subject=subject,
        text=text,
        html=html,
        topic=topic,
        user=user,
        headers=headers,
    ).save()
    transaction.on_commit(_kick)


def queue_emails(messages: list[dict], *, chunk: int = 1000, wake: bool = True) -> int:
    """Queue many messages at once (the keyword arguments of
    ``queue_email()`` each), with one request to the worker (none with
    ``wake=False``: a fan-out in parts wakes it after the last one). The
    notifications' fan-out. Returns how many were queued."""
    rows = [
        _row(**{"html": "", "topic": "", "user": None, "headers": None, **m})
        for m in messages
    ]
    OutgoingEmail.objects.bulk_create(rows, batch_size=chunk)
    if rows and wake:
        transaction.on_commit(_kick)
    return len(rows)


# --- Sending ------------------------------------------------------------------------


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: one
    minute, doubled each time, at most ``IOK_EMAIL_RETRY_MAX_SECONDS``."""
    seconds = 60 * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.IOK_EMAIL_RETRY_MAX_SECONDS))


def _message(row: OutgoingEmail, connection) -> EmailMultiAlternatives:
    headers = dict(row.headers or {})
    if row.message_id:
        headers["Message-ID"] = row.message_id
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        headers=headers,
        connection=connection,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def _permanent(error: Exception) -> bool:
    """Whether the server refused the message for good (a 5xx answer)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(
        error, smtplib.SMTPServerDisconnected
    ):
        return 500 <= error.smtp_code < 600 and not isinstance(
            error, smtplib.SMTPAuthenticationError
        )
    return False


def _mark_sent(row: OutgoingEmail, now: dt.datetime) -> None:
    row.status = Status.SENT
    row.sent_at = now
    row.attempts += 1
    row.last_error = ""
    # The body is no longer needed once delivered to the mail server.
    row.text = row.html = ""
    row.headers = {}


def _mark_failed_attempt(
    row: OutgoingEmail, error: Exception, now: dt.datetime, *, permanent: bool
) -> None:
    row.attempts += 1
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if permanent or row.attempts >= settings.IOK_EMAIL_MAX_ATTEMPTS:
        row.status = Status.FAILED
    else:
        row.next_attempt_at = now + retry_delay(row.attempts)


#: What a mail server, the network or a malformed message can raise.
_ERRORS = (smtplib.SMTPException, OSError, ValueError)

_FIELDS = [
    "status",
    "sent_at",
    "attempts",
    "last_error",
    "text",
    "html",
    "headers",
    "next_attempt_at",
]


def send_batch(*, now: dt.datetime | None = None) -> int:
    """Send one batch of the messages due now over one SMTP connection.
    Returns how many messages it handled (sent or not); 0: nothing is due."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")[: settings.IOK_EMAIL_BATCH_SIZE]
        )
        if not rows:
            return 0
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except _ERRORS as error:  # the server is unreachable: try later
            logger.warning("mail server unreachable, %d deferred: %s", len(rows), error)
            for row in rows:
                _mark_failed_attempt(row, error, now, permanent=False)
        else:
            try:
                for row in rows:
                    try:
                        connection.send_messages([_message(row, connection)])
                    except _ERRORS as error:
                        _mark_failed_attempt(
                            row, error, now, permanent=_permanent(error)
                        )
                    else:
                        _mark_sent(row, timezone.now())
            finally:
                try:
                    connection.close()
                except _ERRORS:  # a broken connection closes anyway
                    logger.debug("closing the SMTP connection failed", exc_info=True)
        OutgoingEmail.objects.bulk_update(rows, _FIELDS)
    sent = sum(row.status == Status.SENT for row in rows)
    logger.info("outbox batch: %d sent, %d not", sent, len(rows) - sent)
    return len(rows)


def outbox_send_due(*, now: dt.datetime | None = None) -> int:
    """Send everything due now, batch after batch; returns how many messages
    were handled. Each batch fixes its own ``now``, so a message deferred in
    this run waits for its retry time."""
    handled = 0
    while True:
        count = send_batch(now=now)
        if not count:
            return handled
        handled += count


@task()
def send_outbox() -> int:
    """The worker's task: send what is waiting in the outbox."""
    return outbox_send_due()


def outbox_retry(rows) -> int:
    """Queue failed or bounced messages again (the admin's "retry" action);
    sent ones have no body left and are skipped. Returns how many."""
    count = (
        OutgoingEmail.objects.filter(pk__in=[row.pk for row in rows])
        .filter(status__in=[Status.FAILED, Status.BOUNCED])
        .exclude(text="", html="")
        .update(
            status=Status.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
            last_error="",
        )
    )
    if count:
        transaction.on_commit(_kick)
    return count


def outbox_mark_bounced(*, rows=None, message_id: str = "", to: str = "") -> int:
    """Record that messages came back undelivered (a bounce): ``rows`` (the
    admin action), or the message with ``message_id``, or else the last one
    sent to ``to`` (a DSN read by ``manage.py record_bounces``)."""
    now = timezone.now()
    if rows is not None:
        queryset = OutgoingEmail.objects.filter(pk__in=[row.pk for row in rows])
    elif message_id:
        queryset = OutgoingEmail.objects.filter(message_id=message_id.strip())
    elif to:
        last = (
            OutgoingEmail.objects.filter(to__iexact=to.strip(), status=Status.SENT)
            .order_by("-sent_at", "-pk")
            .values_list("pk", flat=True)[:1]
        )
        queryset = OutgoingEmail.objects.filter(pk__in=list(last))
    else:
        return 0
    return queryset.exclude(status=Status.BOUNCED).update(
        status=Status.BOUNCED, bounced_at=now
    )
