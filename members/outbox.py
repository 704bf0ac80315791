"""Every e-mail the portal sends goes through ``queue_email()``.

Callers render their message (``render_email()`` gives the subject, the plain
text and the HTML of a template set, in Polish) and queue it; nothing is sent
in a request. The message leaves in the task worker after the transaction
commits.

Issue 18 owns the internals (a record of each message, batches, retries,
bounces visible to staff, the footer); the two functions keep their
signatures.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from django_tasks import task


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
    payload = {
        "to": to,
        "subject": subject,
        "text": text,
        "html": html,
        "headers": headers or {},
    }
    transaction.on_commit(lambda: send_queued_email.enqueue(**payload))


@task()
def send_queued_email(
    *, to: str, subject: str, text: str, html: str = "", headers: dict
) -> int:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
