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


def _admin_url(report: DiscrepancyReport) -> str:
    try:
        path = reverse("members_discrepancyreport_modeladmin_edit", args=[report.pk])
    except NoReverseMatch:
        return ""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
def discrepancy_report_notify(report_id: int) -> int:
    """E-mail the estate office that serves the unit about a new discrepancy
    report (rules §III.5). Returns the number of messages queued."""
    report = DiscrepancyReport.objects.select_related(
        "unit__building__estate", "party"
    ).get(pk=report_id)
    estate = report.unit.building.estate
    recipient = estate.office_email or getattr(
        settings, "IOK_REPORTS_FALLBACK_EMAIL", settings.DEFAULT_FROM_EMAIL
    )
    if not estate.office_email:
        logger.warning(
            "estate %s has no office e-mail; report to %s", estate.pk, recipient
        )
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
