"""Writes of the member area: discrepancy reports, contact change requests,
residents' meter readings, repair requests, and the one-time notice about new
rules.

Each service is keyword-only, validates before it writes, and runs in a
transaction. E-mails go through a background task, queued only once the
transaction has committed.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ledger import queries as ledger_queries
from ledger import services as ledger_services
from ledger.documents import mark_read
from ledger.models import Meter, MeterReading, Party
from members import validators
from members.audit import Event, audit_record
from members.models import (
    ContactChangeRequest,
    DiscrepancyReport,
    RepairMessage,
    RepairPhoto,
    RepairRequest,
    RulesAcknowledgement,
)
from members.outbox import queue_email, render_email
from members.signals import request_answered

logger = logging.getLogger(__name__)

# --- Meter readings -------------------------------------------------------------------


def resident_meter_reading_submit(
    *, party: Party, user, meter: Meter, reading_date: dt.date, value: Decimal
) -> MeterReading:
    """A resident's own reading: checked and stored by
    ``ledger.services.meter_reading_submit`` (``meter_reading_check``) as
    ``pending`` with source "resident", for staff to accept or reject."""
    return ledger_services.meter_reading_submit(
        party=party, meter=meter, reading_date=reading_date, value=value, user=user
    )


# --- Discrepancy reports (§III.5) -----------------------------------------------------

#: What a resident may attach to a report, by extension (lower case): the
#: content type it is served with (by the resident's and the staff's download
#: views, and inside the RODO archive under the same name).
ATTACHMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ATTACHMENT_NAME_MAX_LENGTH = DiscrepancyReport._meta.get_field(
    "attachment_name"
).max_length
ATTACHMENT_DEFAULT_STEM = "zalacznik"


def attachment_name(name: str) -> str:
    """The name kept for a resident's attachment, made from the uploaded one: no
    folders or control characters, at most ``ATTACHMENT_NAME_MAX_LENGTH``
    characters, the stem shortened so that the extension stays whole and lower
    case. The form checks the extension of this name (the one stored and shown
    to staff), never of the raw upload name."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"')
    stem, extension = os.path.splitext(base.strip())
    extension = extension.lower()[:ATTACHMENT_NAME_MAX_LENGTH]
    stem = stem.strip()[: ATTACHMENT_NAME_MAX_LENGTH - len(extension)]
    if not stem:
        stem = ATTACHMENT_DEFAULT_STEM[: ATTACHMENT_NAME_MAX_LENGTH - len(extension)]
    return stem + extension


def attachment_download(report: DiscrepancyReport) -> tuple[str, str]:
    """``(file name, content type)`` a report's attachment is handed out with:
    the extension and type of the stored file (the checked one, kept by its
    random stored name), so that a name stored before the check was fixed never
    turns a PDF into ``.bat`` or ``.html``."""
    return stored_file_download(report.attachment.name, report.attachment_name)


def stored_file_download(stored_name: str, shown_name: str) -> tuple[str, str]:
    """``(file name, content type)`` of a private file (a report's or a vote's
    attachment) kept under the random ``stored_name``: the extension and type
    of the stored file, the stem of ``shown_name``."""
    extension = os.path.splitext(stored_name)[1].lower()
    content_type = ATTACHMENT_CONTENT_TYPES.get(extension)
    if content_type is None:
        extension, content_type = ".bin", "application/octet-stream"
    stem = os.path.splitext(attachment_name(shown_name or ""))[0]
    return attachment_name((stem or ATTACHMENT_DEFAULT_STEM) + extension), content_type


@transaction.atomic
def discrepancy_report_create(
    *, party: Party, user, unit_id: int, message: str, attachment=None
) -> DiscrepancyReport:
    """Record a resident's report about a unit's balance and notify the
    unit's estate office by e-mail (in the background, after commit)."""
    summary = ledger_queries.unit_summary(
        party=party, unit_id=unit_id, on=timezone.localdate()
    )
    report = DiscrepancyReport(
        unit=summary.unit,
        party=party,
        reporter=user,
        message=message.strip(),
    )
    if attachment is not None:
        report.attachment_name = attachment_name(attachment.name)
        attachment.name = report.attachment_name
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
    newly_answered = (
        status == DiscrepancyReport.Status.ANSWERED
        and stored.status != DiscrepancyReport.Status.ANSWERED
    )
    if status == DiscrepancyReport.Status.ANSWERED:
        report.answered_by = staff_user
        report.answered_at = timezone.now()
    report.full_clean()
    report.save()
    if newly_answered:
        tell_answered(
            obj=report,
            user=report.reporter,
            title=_("Your report about %(unit)s") % {"unit": report.unit},
            url=reverse("members:report-detail", args=[report.pk]),
        )
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
    tell_answered(
        obj=change,
        user=change.requested_by,
        title=_("Your request to change contact data"),
        url=reverse("members:contact"),
    )
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


# --- Repair requests (issue 17) -------------------------------------------------------

PHOTO_JPEG_QUALITY = 85


def repair_photo_prepare(upload) -> ContentFile:
    """A checked photo (``members.validators.open_photo``) re-encoded as a
    JPEG: turned upright, at most ``IOK_REPAIR_PHOTO_MAX_SIDE`` pixels on its
    longer side, without its metadata (a phone's photo carries where it was
    taken). Browsers show it whatever the resident's phone saved (HEIC)."""
    from PIL import ImageOps

    image = validators.open_photo(upload)
    try:
        image = ImageOps.exif_transpose(image)
        side = settings.IOK_REPAIR_PHOTO_MAX_SIDE
        image.thumbnail((side, side))
        if image.mode != "RGB":
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=PHOTO_JPEG_QUALITY, optimize=True)
    finally:
        image.close()
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _office_email(request: RepairRequest, *, template: str, message=None) -> None:
    """Tell the estate office that serves the unit (new request, resident's
    message), through the outbox (sent by the task worker after commit)."""
    from members.area.tasks import admin_edit_url, office_recipient

    estate = request.unit.building.estate
    subject, text, html = render_email(
        f"members/area/email/{template}",
        {
            "request": request,
            "estate": estate,
            "message": message,
            "admin_url": admin_edit_url(
                "members_repairrequest_modeladmin_edit", request
            ),
        },
    )
    queue_email(
        to=office_recipient(estate),
        subject=subject,
        text=text,
        html=html,
        topic="repair-office",
    )


def tell_answered(*, obj, user, title: str, url: str) -> None:
    """Send ``members.signals.request_answered`` once the transaction commits:
    the notifications (issue 18) e-mail the resident if they chose to be told.
    Used for repair requests, discrepancy reports and contact data changes."""
    if user is None:
        return
    transaction.on_commit(
        lambda: request_answered.send(
            sender=type(obj), user=user, obj=obj, title=title, url=url
        )
    )


@transaction.atomic
def repair_request_create(
    *,
    party: Party,
    user,
    unit_id: int,
    place: str,
    category: str,
    description: str,
    convenient_time: str = "",
    photos=(),
) -> RepairRequest:
    """Record a resident's report of a fault in one of the units they hold
    today (or in a common area of its building), with up to
    ``IOK_REPAIR_PHOTOS_MAX`` photos, and e-mail the estate office."""
    summary = ledger_queries.unit_summary(
        party=party, unit_id=unit_id, on=timezone.localdate()
    )
    if len(photos) > settings.IOK_REPAIR_PHOTOS_MAX:
        raise ValidationError(
            _("Add at most %(count)d photos.")
            % {"count": settings.IOK_REPAIR_PHOTOS_MAX}
        )
    request = RepairRequest(
        unit=summary.unit,
        party=party,
        reporter=user,
        place=place,
        category=category,
        description=description.strip(),
        convenient_time=(convenient_time or "").strip(),
    )
    request.full_clean()
    request.save()
    for upload in photos:
        photo = RepairPhoto(
            request=request, original_name=attachment_name(upload.name or "")
        )
        photo.image.save("photo.jpg", repair_photo_prepare(upload), save=False)
        photo.save()
    _office_email(request, template="repair_new")
    return request


@transaction.atomic
def repair_request_reply(*, request: RepairRequest, user, text: str) -> RepairMessage:
    """The resident adds a message to their request; the office is e-mailed."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a message."))
    message = RepairMessage(
        request=request, kind=RepairMessage.Kind.RESIDENT, author=user, text=text
    )
    message.full_clean()
    message.save()
    _office_email(request, template="repair_reply", message=message)
    return message


@transaction.atomic
def repair_request_handle(
    *,
    request: RepairRequest,
    staff_user,
    status: str,
    assignee=None,
    reply: str = "",
    internal_note: str | None = None,
) -> RepairRequest:
    """Staff handle a request: assign it, change its status (shown to the
    resident in the thread and audited), reply to the resident (a message in
    the thread; the resident is told through ``request_answered``) and keep
    an internal note the resident never sees."""
    stored = RepairRequest.objects.select_for_update().get(pk=request.pk)
    if status not in RepairRequest.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    reply = (reply or "").strip()
    if status != stored.status:
        RepairMessage.objects.create(
            request=stored,
            kind=RepairMessage.Kind.STATUS,
            author=staff_user,
            status=status,
        )
        audit_record(
            actor=staff_user,
            event=Event.REPAIR_STATUS,
            target=stored.party,
            request_id=stored.pk,
            old=stored.status,
            new=status,
        )
    if reply:
        RepairMessage.objects.create(
            request=stored,
            kind=RepairMessage.Kind.OFFICE,
            author=staff_user,
            text=reply,
        )
    request.status = status
    request.assignee = assignee
    if internal_note is not None:
        request.internal_note = internal_note.strip()
    request.full_clean()
    request.save(update_fields=["status", "assignee", "internal_note", "updated_at"])
    if reply:
        tell_answered(
            obj=request,
            user=request.reporter,
            title=_("Repair request no. %(number)s") % {"number": request.pk},
            url=reverse("members:repair-detail", args=[request.pk]),
        )
    return request


# --- Personal documents (issue 18) ---------------------------------------------------


def document_opened(document, *, user, request=None) -> None:
    """The resident downloaded a document: it is read now, and the download is
    in the audit trail (who, which document, from where)."""
    mark_read(document)
    audit_record(
        actor=user,
        event=Event.DOCUMENT_DOWNLOADED,
        target=user,
        request=request,
        document=document.pk,
        unit=document.unit.code,
    )


def document_mark_read(document) -> bool:
    """The resident marked a document read without opening it."""
    return mark_read(document)
