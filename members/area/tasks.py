"""Background work of the member area (django-tasks): e-mails to the offices."""

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from django_tasks import task

from members.models import DiscrepancyReport
from members.outbox import queue_email

logger = logging.getLogger(__name__)


def admin_edit_url(url_name: str, obj) -> str:
    """The full address of ``obj``'s edit screen in the admin (for e-mails)."""
    try:
        path = reverse(url_name, args=[obj.pk])
    except NoReverseMatch:
        return ""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _admin_url(report: DiscrepancyReport) -> str:
    return admin_edit_url("members_discrepancyreport_modeladmin_edit", report)


def office_recipient(estate) -> str:
    """Where mail for the estate office goes: its e-mail, or (logged) the
    ``IOK_REPORTS_FALLBACK_EMAIL`` / ``DEFAULT_FROM_EMAIL`` when it has none."""
    if estate.office_email:
        return estate.office_email
    recipient = getattr(
        settings, "IOK_REPORTS_FALLBACK_EMAIL", settings.DEFAULT_FROM_EMAIL
    )
    logger.warning("estate %s has no office e-mail; mail to %s", estate.pk, recipient)
    return recipient


@task()
def discrepancy_report_notify(report_id: int) -> int:
    """E-mail the estate office that serves the unit about a new discrepancy
    report (rules §III.5). Returns the number of messages queued."""
    report = DiscrepancyReport.objects.select_related(
        "unit__building__estate", "party"
    ).get(pk=report_id)
    estate = report.unit.building.estate
    recipient = office_recipient(estate)
    with translation.override(settings.LANGUAGE_CODE):
        context = {"report": report, "estate": estate, "admin_url": _admin_url(report)}
        subject = render_to_string(
            "members/area/email/report_subject.txt", context
        ).strip()
        body = render_to_string("members/area/email/report_body.txt", context)
    # A transactional message to the office, through the outbox (recorded,
    # retried when the mail server is down).
    queue_email(
        to=recipient,
        subject=" ".join(subject.split()),
        text=body,
        topic="report-to-office",
    )
    return 1
