"""Writes of the member area: discrepancy reports, contact change requests,
residents' meter readings, and the one-time notice about new rules.

Each service is keyword-only, validates before it writes, and runs in a
transaction. E-mails go through a background task, queued only once the
transaction has committed.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import services as ledger_services
from ledger.formatting import format_date, format_quantity
from ledger.models import Meter, MeterReading, Party
from members.area import queries
from members.area_models import (
    ContactChangeRequest,
    DiscrepancyReport,
    RulesAcknowledgement,
)

logger = logging.getLogger(__name__)

# --- Meter readings -------------------------------------------------------------------

#: The most a household can plausibly use in a day, per kind of meter. A
#: reading implying more is refused as a typo (a digit too many, a misplaced
#: comma); the office can still record a real one.
DAILY_CAP = {
    Meter.Kind.COLD_WATER: Decimal("2"),  # m³ (a household uses ~0.1–0.3)
    Meter.Kind.HOT_WATER: Decimal("1"),  # m³
    Meter.Kind.HEAT_ALLOCATOR: Decimal("50"),  # allocator units
    Meter.Kind.GAS: Decimal("20"),  # m³
    Meter.Kind.ELECTRICITY: Decimal("100"),  # kWh
}
DEFAULT_DAILY_CAP = Decimal("100")


def meter_reading_check(
    *, meter: Meter, reading_date: dt.date, value: Decimal, today: dt.date
) -> None:
    """Raise ``ValidationError`` (with field names) unless the reading is
    plausible: not in the future, within the meter's life, not lower than the
    meter's last accepted reading before it (a replaced meter starts again:
    only the new meter's own readings count), not higher than a later accepted
    reading, and not more than the daily cap for the kind of meter since the
    previous reading (or since installation)."""
    if reading_date > today:
        raise ValidationError(
            {"reading_date": _("The reading date cannot be in the future.")}
        )
    if reading_date < meter.installed_on:
        raise ValidationError(
            {
                "reading_date": _(
                    "This meter was installed on %(date)s, after that day."
                )
                % {"date": format_date(meter.installed_on)}
            }
        )
    if meter.removed_on and reading_date > meter.removed_on:
        raise ValidationError(
            {
                "reading_date": _(
                    "This meter was removed on %(date)s. Submit the reading of "
                    "the meter that replaced it."
                )
                % {"date": format_date(meter.removed_on)}
            }
        )
    if value < 0:
        raise ValidationError({"value": _("A reading cannot be negative.")})

    previous = queries.last_accepted_reading(meter=meter, before=reading_date)
    if previous is not None and value < previous.value:
        raise ValidationError(
            {
                "value": _(
                    "The reading is lower than the last accepted one "
                    "(%(value)s on %(date)s). Meters do not go backwards; check "
                    "the digits. If the meter was replaced, the office records "
                    "the new meter first."
                )
                % {
                    "value": _decimal(previous.value),
                    "date": format_date(previous.reading_date),
                }
            }
        )
    following = queries.next_accepted_reading(meter=meter, after=reading_date)
    if following is not None and value > following.value:
        raise ValidationError(
            {
                "value": _(
                    "The reading is higher than the accepted reading of a later "
                    "day (%(value)s on %(date)s)."
                )
                % {
                    "value": _decimal(following.value),
                    "date": format_date(following.reading_date),
                }
            }
        )

    # A new meter (also one that replaced another) counts from zero at its
    # installation, never from the old meter's figures.
    since_date = previous.reading_date if previous else meter.installed_on
    since_value = previous.value if previous else Decimal(0)
    days = max((reading_date - since_date).days, 1)
    cap = DAILY_CAP.get(meter.kind, DEFAULT_DAILY_CAP)
    if value - since_value > cap * days:
        raise ValidationError(
            {
                "value": _(
                    "This reading means %(used)s %(unit)s in %(days)d days, more "
                    "than a household can use (at most %(cap)s %(unit)s a day). "
                    "Check the digits and the decimal comma."
                )
                % {
                    "used": _decimal(value - since_value),
                    "unit": meter.unit_of_measure,
                    "days": days,
                    "cap": _decimal(cap),
                }
            }
        )
    if MeterReading.objects.filter(
        meter=meter,
        reading_date=reading_date,
        source=MeterReading.Source.RESIDENT,
        status=MeterReading.Status.PENDING,
    ).exists():
        raise ValidationError(
            {
                "reading_date": _(
                    "You have already submitted a reading for that day; it is "
                    "waiting for the office."
                )
            }
        )


def _decimal(value: Decimal) -> str:
    """``12.300`` → ``12,3`` for messages (``format_quantity``)."""
    return format_quantity(value)


def resident_meter_reading_submit(
    *, party: Party, user, meter: Meter, reading_date: dt.date, value: Decimal
) -> MeterReading:
    """A resident's own reading: checked (``meter_reading_check``), then
    stored by ``ledger.services.meter_reading_submit`` as ``pending`` with
    source "resident", for staff to accept or reject."""
    meter_reading_check(
        meter=meter,
        reading_date=reading_date,
        value=value,
        today=timezone.localdate(),
    )
    return ledger_services.meter_reading_submit(
        party=party, meter=meter, reading_date=reading_date, value=value, user=user
    )


# --- Discrepancy reports (§III.5) -----------------------------------------------------


@transaction.atomic
def discrepancy_report_create(
    *, party: Party, user, unit_id: int, message: str, attachment=None
) -> DiscrepancyReport:
    """Record a resident's report about a unit's balance and notify the
    unit's estate office by e-mail (in the background, after commit)."""
    summary = queries.unit_summary(
        party=party, unit_id=unit_id, on=timezone.localdate()
    )
    report = DiscrepancyReport(
        unit=summary.unit,
        party=party,
        reporter=user,
        message=message.strip(),
    )
    if attachment is not None:
        report.attachment_name = attachment.name[:200]
        report.attachment = attachment
    report.full_clean()
    report.save()

    def enqueue():
        from members.area.tasks import discrepancy_report_notify

        discrepancy_report_notify.enqueue(report_id=report.pk)

    transaction.on_commit(enqueue)
    return report


def discrepancy_report_answer_check(*, status: str, answer: str) -> None:
    """Raise ``ValidationError`` on ``answer`` when a report is marked
    answered without an answer (also checked by the staff form)."""
    if status == DiscrepancyReport.Status.ANSWERED and not (answer or "").strip():
        raise ValidationError({"answer": _("Write the answer for the resident.")})


@transaction.atomic
def discrepancy_report_answer(
    *, report: DiscrepancyReport, staff_user, status: str, answer: str
) -> DiscrepancyReport:
    """Staff move a report on (in progress) or answer it; the resident sees
    the status and the answer in the member area."""
    answer = (answer or "").strip()
    discrepancy_report_answer_check(status=status, answer=answer)
    stored = DiscrepancyReport.objects.select_for_update().get(pk=report.pk)
    if stored.answered_at != report.answered_at:
        # Another member of staff answered while this form was being sent.
        raise ValidationError(
            _("Someone else has just answered this report; nothing was changed.")
        )
    report.status = status
    report.answer = answer
    if status == DiscrepancyReport.Status.ANSWERED:
        report.answered_by = staff_user
        report.answered_at = timezone.now()
    report.full_clean()
    report.save()
    return report


# --- Contact data ---------------------------------------------------------------------

CONTACT_FIELDS = ("phone", "email", "address", "postal_code", "city")


@transaction.atomic
def contact_change_request_create(
    *, party: Party, user, comment: str = "", **values: str
) -> ContactChangeRequest:
    """A resident asks the office to change their contact data. Only values
    that differ from what is on file are kept; at least one must."""
    changes = {}
    for name in CONTACT_FIELDS:
        value = (values.get(name) or "").strip()
        if value and value != (getattr(party, name) or ""):
            changes[name] = value
    if not changes:
        raise ValidationError(
            _("Enter at least one value that differs from the data on file.")
        )
    request = ContactChangeRequest(
        party=party, requested_by=user, comment=comment.strip(), **changes
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def contact_change_request_decide(
    *, change: ContactChangeRequest, staff_user, confirm: bool, note: str = ""
) -> ContactChangeRequest:
    """Staff confirm a request (the new values are copied to the party) or
    reject it. Either way the resident sees the outcome."""
    ledger_services.lock_pending(
        change,
        _(
            "This request has already been handled (perhaps by someone "
            "else just now); nothing was changed."
        ),
    )
    if confirm:
        party = Party.objects.select_for_update().get(pk=change.party_id)
        updated = []
        for name in CONTACT_FIELDS:
            value = getattr(change, name)
            if value:
                setattr(party, name, value)
                updated.append(name)
        party.full_clean()
        party.save(update_fields=[*updated, "updated_at"])
        change.status = ContactChangeRequest.Status.CONFIRMED
    else:
        change.status = ContactChangeRequest.Status.REJECTED
    change.staff_note = note.strip()
    change.confirmed_by = staff_user
    change.confirmed_at = timezone.now()
    change.save()
    return change


# --- Rules (§IV.4) --------------------------------------------------------------------

RULES_NOTICE_SESSION_KEY = "iok_rules_notice"


def current_rules():
    """The live rules page and its version key ("resolution@effective date"),
    or ``(None, "")`` when the site has none."""
    from cms.models import RulesPage, SiteSettings

    settings_row = SiteSettings.load()
    page = None
    if settings_row.rules_page_id:
        page = RulesPage.objects.live().filter(pk=settings_row.rules_page_id).first()
    if page is None:
        page = RulesPage.objects.live().first()
    if page is None or not page.live_revision_id:
        return None, ""
    return page, f"{page.resolution_number}@{page.effective_from:%Y-%m-%d}"


@transaction.atomic
def rules_notice_on_login(*, user) -> dict | None:
    """At login: the rules version to announce once, or None.

    A resident is told about a version the board published after the one
    they were last shown. Someone who was never shown any is told only when
    the version is newer than their account (it was handed over with the
    access letter otherwise). The version is recorded as shown right away, so
    the notice appears once.
    """
    if getattr(user, "party_id", None) is None:
        return None
    page, version = current_rules()
    if page is None:
        return None
    seen = RulesAcknowledgement.objects.filter(user=user).first()
    if seen is not None and seen.version == version:
        return None
    if seen is None:
        published = page.last_published_at or page.first_published_at
        announce = bool(published and user.date_joined and published > user.date_joined)
    else:
        announce = True
    RulesAcknowledgement.objects.update_or_create(
        user=user,
        defaults={
            "revision_id": page.live_revision_id,
            "version": version,
            "shown_at": timezone.now(),
        },
    )
    if not announce:
        return None
    return {
        "url": page.url,
        "title": page.title,
        "resolution": page.resolution_label,
        "effective_from": page.effective_from.isoformat(),
    }
