"""Downloads: a unit's ledger as CSV, and everything the portal holds about a
resident (GDPR/RODO art. 15 and 20) as a ZIP of JSON and CSV files.

CSV files are written by ``ledger.csv_writer`` (the one writer and its one
formula-injection rule) for spreadsheets used in Poland: UTF-8 with a
byte-order mark, ``;`` between cells, decimal comma, ISO dates.
"""

from __future__ import annotations

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from ledger import queries as ledger_queries
from ledger.csv_writer import write_rows
from ledger.formatting import balance_words, format_date
from ledger.models import Party, UnitRight
from members import notifications
from members.area.services import attachment_download
from members.models import (
    AuditEvent,
    Ballot,
    ContactChangeRequest,
    DiscrepancyReport,
    OutgoingEmail,
    RepairMessage,
    RepairPhoto,
    RepairRequest,
    RulesAcknowledgement,
)


def write_csv(header: list[str], rows) -> str:
    """Rows (sequences of values) as CSV text with a header row and a BOM,
    by the project's one CSV writer (``ledger.csv_writer``)."""
    out = io.StringIO()
    write_rows(out, header, rows, bom=True)
    return out.getvalue()


# --- The ledger as CSV ----------------------------------------------------------------


def ledger_csv(page: ledger_queries.LedgerPage) -> str:
    """The entries of a ledger page (all of them: build it unpaginated), with
    the opening and closing balance rows."""
    header = [
        _("Booking date"),
        _("Period"),
        _("Due date"),
        _("Kind"),
        _("Charge component"),
        _("Document"),
        _("Description"),
        _("Debit (owed)"),
        _("Credit (paid)"),
        _("Balance after the entry"),
    ]
    rows = []
    if page.shows_running_balance:
        rows.append(
            [
                page.date_from,
                "",
                "",
                _("Opening balance"),
                "",
                "",
                "",
                "",
                "",
                page.opening_balance,
            ]
        )
    for entry in page.entries:
        rows.append(
            [
                entry.booking_date,
                entry.period.isoformat()[:7],  # machine format: 2025-03
                entry.due_date,
                entry.get_kind_display(),
                entry.component_name,
                entry.document_number,
                entry.description,
                entry.debit,
                entry.credit,
                entry.running_balance,
            ]
        )
    if page.shows_running_balance:
        rows.append(
            [
                page.date_to,
                "",
                "",
                _("Closing balance"),
                "",
                "",
                "",
                "",
                "",
                page.closing_balance,
            ]
        )
    breakdown = page.summary.breakdown if page.summary else None
    if breakdown is not None:
        # The balance as of today in the words of every other page
        # (``ledger.formatting.balance_words``): this month's charges not
        # booked yet, then the balance, arrears and what is to pay by when.
        for charge in breakdown.month_charges:
            if charge.simulated:
                rows.append(
                    [
                        breakdown.balance.as_of,
                        "",
                        charge.due_date,
                        _("This month's charge, not booked yet (§III.4)"),
                        charge.component.name if charge.component else "",
                        "",
                        "",
                        charge.amount,
                        "",
                        "",
                    ]
                )
        for label, value in balance_words(breakdown).amounts:
            rows.append([breakdown.balance.as_of, "", "", label, *[""] * 5, value])
    return write_csv(header, rows)


# --- Everything about the resident (RODO) ---------------------------------------------

#: The CSV files' column names, in the resident's language (Polish); the keys
#: stay as they are in ``dane.json`` (a machine format).
COLUMN_LABELS = {
    "identifier": pgettext_lazy("data export column", "login"),
    "email": pgettext_lazy("data export column", "e-mail"),
    "date_joined": pgettext_lazy("data export column", "account created"),
    "last_login": pgettext_lazy("data export column", "last login"),
    "password_changed_at": pgettext_lazy("data export column", "password changed"),
    "blocked_at": pgettext_lazy("data export column", "blocked"),
    "blocked_reason": pgettext_lazy("data export column", "reason for blocking"),
    "when": pgettext_lazy("data export column", "when"),
    "event": pgettext_lazy("data export column", "event"),
    "description": pgettext_lazy("data export column", "description"),
    "ip_address": pgettext_lazy("data export column", "IP address"),
    "details": pgettext_lazy("data export column", "details"),
    "revision_id": pgettext_lazy("data export column", "revision"),
    "version": pgettext_lazy("data export column", "version"),
    "shown_at": pgettext_lazy("data export column", "shown"),
    "number": pgettext_lazy("data export column", "number"),
    "name": pgettext_lazy("data export column", "name"),
    "phone": pgettext_lazy("data export column", "phone"),
    "address": pgettext_lazy("data export column", "address"),
    "postal_code": pgettext_lazy("data export column", "postal code"),
    "city": pgettext_lazy("data export column", "city"),
    "unit": pgettext_lazy("data export column", "unit"),
    "unit_code": pgettext_lazy("data export column", "unit code"),
    "zone": pgettext_lazy("data export column", "zone"),
    "kind": pgettext_lazy("data export column", "kind"),
    "valid_from": pgettext_lazy("data export column", "valid from"),
    "valid_to": pgettext_lazy("data export column", "valid to"),
    "share": pgettext_lazy("data export column", "share"),
    "booking_date": pgettext_lazy("data export column", "booking date"),
    "period": pgettext_lazy("data export column", "period"),
    "due_date": pgettext_lazy("data export column", "due date"),
    "component": pgettext_lazy("data export column", "charge component"),
    "amount": pgettext_lazy("data export column", "amount"),
    "document_number": pgettext_lazy("data export column", "document number"),
    "lender": pgettext_lazy("data export column", "lender"),
    "amount_granted": pgettext_lazy("data export column", "amount granted"),
    "granted_on": pgettext_lazy("data export column", "granted on"),
    "instalment_amount": pgettext_lazy("data export column", "instalment"),
    "instalments_count": pgettext_lazy("data export column", "number of instalments"),
    "repaid": pgettext_lazy("data export column", "repaid"),
    "outstanding": pgettext_lazy("data export column", "outstanding"),
    "loan": pgettext_lazy("data export column", "loan"),
    "date": pgettext_lazy("data export column", "date"),
    "serial_number": pgettext_lazy("data export column", "serial number"),
    "location": pgettext_lazy("data export column", "location"),
    "unit_of_measure": pgettext_lazy("data export column", "unit of measure"),
    "installed_on": pgettext_lazy("data export column", "installed on"),
    "removed_on": pgettext_lazy("data export column", "removed on"),
    "meter": pgettext_lazy("data export column", "meter"),
    "reading_date": pgettext_lazy("data export column", "reading date"),
    "value": pgettext_lazy("data export column", "value"),
    "source": pgettext_lazy("data export column", "source"),
    "status": pgettext_lazy("data export column", "status"),
    "submitted_by_you": pgettext_lazy("data export column", "submitted by you"),
    "review_note": pgettext_lazy("data export column", "office's note"),
    "member_number": pgettext_lazy("data export column", "member number"),
    "admission_date": pgettext_lazy("data export column", "admission date"),
    "admission_resolution": pgettext_lazy("data export column", "admission resolution"),
    "shares_declared": pgettext_lazy("data export column", "shares declared"),
    "shares_paid": pgettext_lazy("data export column", "shares paid"),
    "entry_fee_paid": pgettext_lazy("data export column", "entry fee paid"),
    "termination_date": pgettext_lazy("data export column", "termination date"),
    "submitted_at": pgettext_lazy("data export column", "submitted"),
    "message": pgettext_lazy("data export column", "message"),
    "attachment": pgettext_lazy("data export column", "attachment"),
    "answer": pgettext_lazy("data export column", "answer"),
    "answered_at": pgettext_lazy("data export column", "answered"),
    "comment": pgettext_lazy("data export column", "comment"),
    "office_note": pgettext_lazy("data export column", "office's note"),
    "handled_at": pgettext_lazy("data export column", "handled"),
    "community": pgettext_lazy("data export column", "housing community"),
    "resolution": pgettext_lazy("data export column", "resolution"),
    "title": pgettext_lazy("data export column", "title"),
    "choice": pgettext_lazy("data export column", "vote"),
    "first_cast_at": pgettext_lazy("data export column", "first cast"),
    "last_changed_at": pgettext_lazy("data export column", "last changed"),
    "changes": pgettext_lazy("data export column", "changes"),
    "receipt": pgettext_lazy("data export column", "receipt number"),
    "request_number": pgettext_lazy("data export column", "request number"),
    "place": pgettext_lazy("data export column", "where"),
    "category": pgettext_lazy("data export column", "category"),
    "convenient_time": pgettext_lazy("data export column", "convenient time"),
    "photos": pgettext_lazy("data export column", "photos"),
    "from": pgettext_lazy("data export column", "from"),
    "text": pgettext_lazy("data export column", "text"),
    "topic": pgettext_lazy("data export column", "topic"),
    "enabled": pgettext_lazy("data export column", "e-mails on"),
    "created_at": pgettext_lazy("data export column", "queued"),
    "to": pgettext_lazy("data export column", "address"),
    "subject": pgettext_lazy("data export column", "subject"),
    "sent_at": pgettext_lazy("data export column", "sent"),
    "bounced_at": pgettext_lazy("data export column", "bounced"),
    "read_at": pgettext_lazy("data export column", "read"),
}


def column_label(key: str) -> str:
    return str(COLUMN_LABELS.get(key, key))


def _values(queryset, fields) -> list[dict]:
    return list(queryset.values(*fields))


def my_data(*, user) -> dict[str, list[dict]]:
    """Every record the portal keeps about the user and their party, as lists
    of plain dicts (one list per kind of record). Ledger, loan and meter data
    are limited to the days of the party's rights, past ones included
    (``ledger.queries.held_*``): a former holder gets nothing booked,
    installed or read after they left, the next holder nothing from before
    they came. A loan's ``repaid`` is what was repaid during those days, its
    ``outstanding`` what remained on the last of them (or today)."""
    party: Party | None = user.party
    data: dict[str, list[dict]] = {
        "account": [
            {
                "identifier": user.get_username(),
                "email": user.email,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "password_changed_at": user.password_changed_at,
                "blocked_at": user.blocked_at,
                "blocked_reason": user.blocked_reason,
            }
        ]
    }
    audit = AuditEvent.objects.filter(Q(actor=user) | Q(target_user=user))
    if party is not None:
        audit = AuditEvent.objects.filter(
            Q(actor=user) | Q(target_user=user) | Q(target_party=party)
        )
    data["audit_events"] = [
        {
            "when": event.created_at,
            "event": event.event,
            "description": event.get_event_display(),
            "ip_address": event.ip_address,
            "details": json.dumps(event.details, ensure_ascii=False, sort_keys=True),
        }
        for event in audit.order_by("created_at", "pk")
    ]
    data["rules_notices"] = _values(
        RulesAcknowledgement.objects.filter(user=user),
        ["revision_id", "version", "shown_at"],
    )
    # Issue 18: the e-mails the resident chose, and those sent to them (what,
    # to which address, when, the result; the bodies are not kept).
    data["notification_choices"] = [
        {"topic": key, "enabled": enabled}
        for key, enabled in notifications.preferences_for(user).items()
    ]
    data["emails"] = _values(
        OutgoingEmail.objects.filter(user=user).order_by("created_at", "pk"),
        ["created_at", "topic", "to", "subject", "status", "sent_at", "bounced_at"],
    )
    if party is None:
        return data

    data["party"] = _values(
        Party.objects.filter(pk=party.pk),
        ["number", "name", "email", "phone", "address", "postal_code", "city"],
    )
    rights = list(
        UnitRight.objects.filter(party=party)
        .select_related("unit__building")
        .order_by("valid_from", "pk")
    )
    data["rights"] = [
        {
            "unit": str(right.unit),
            "unit_code": right.unit.code,
            "zone": right.unit.zone,
            "kind": right.get_kind_display(),
            "valid_from": right.valid_from,
            "valid_to": right.valid_to,
            "share": right.share,
        }
        for right in rights
    ]
    # What the member area shows, for every right the party holds or held:
    # only the days of each right (``ledger.queries``, "held_*").
    windows = ledger_queries.party_windows(party=party)
    units = {right.unit_id: right.unit for right in rights}
    data["ledger"] = [
        {
            "unit": str(units[entry.unit_id]),
            "booking_date": entry.booking_date,
            "period": entry.period,
            "due_date": entry.due_date,
            "kind": entry.get_kind_display(),
            "component": entry.component.name if entry.component else "",
            "amount": entry.amount,
            "document_number": entry.document_number,
            "description": entry.description,
        }
        for entry in ledger_queries.held_ledger_entries(party=party, windows=windows)
    ]
    data["loans"] = [
        {
            "unit": str(units[loan.unit_id]),
            "number": loan.number,
            "lender": loan.lender,
            "amount_granted": loan.amount_granted,
            "granted_on": loan.granted_on,
            "instalment_amount": loan.instalment_amount,
            "instalments_count": loan.instalments_count,
            "repaid": ledger_queries.money(loan.repaid_while_held),
            "outstanding": ledger_queries.money(loan.outstanding),
        }
        for loan in ledger_queries.held_loans(party=party, windows=windows)
    ]
    data["loan_entries"] = [
        {
            "loan": entry.loan.number,
            "date": entry.date,
            "kind": entry.get_kind_display(),
            "amount": entry.amount,
            "description": entry.description,
        }
        for entry in ledger_queries.held_loan_entries(party=party, windows=windows)
    ]
    data["meters"] = [
        {
            "unit": str(units[meter.unit_id]),
            "kind": meter.get_kind_display(),
            "serial_number": meter.serial_number,
            "location": meter.location,
            "unit_of_measure": meter.unit_of_measure,
            "installed_on": meter.installed_on,
            "removed_on": meter.removed_on,
        }
        for meter in ledger_queries.held_meters(party=party, windows=windows)
    ]
    data["meter_readings"] = [
        {
            "meter": reading.meter.serial_number,
            "reading_date": reading.reading_date,
            "value": reading.value,
            "source": reading.get_source_display(),
            "status": reading.get_status_display(),
            "submitted_by_you": reading.submitted_by_id == user.pk,
            "review_note": reading.review_note,
        }
        for reading in ledger_queries.held_readings(party=party, windows=windows)
    ]
    data["membership"] = [
        {
            "member_number": membership.member_number,
            "admission_date": membership.admission_date,
            "admission_resolution": membership.admission_resolution,
            "status": membership.get_status_display(),
            "shares_declared": membership.shares_declared,
            "shares_paid": membership.shares_paid,
            "entry_fee_paid": membership.entry_fee_paid,
            "termination_date": membership.termination_date,
        }
        for membership in ledger_queries.memberships_for_party(party=party)
    ]
    # The list of the letters addressed to the party (not the PDFs: the
    # resident downloads those in "Dokumenty" while holding the unit).
    data["personal_documents"] = [
        {
            "date": document.date,
            "unit_code": document.unit.code,
            "kind": document.get_kind_display(),
            "title": document.title,
            "read_at": document.read_at,
        }
        for document in ledger_queries.held_documents(party=party)
    ]
    data["discrepancy_reports"] = [
        {
            "submitted_at": report.created_at,
            "unit": str(report.unit),
            "message": report.message,
            "attachment": report.attachment_name,
            "status": report.get_status_display(),
            "answer": report.answer,
            "answered_at": report.answered_at,
        }
        for report in DiscrepancyReport.objects.filter(party=party)
        .select_related("unit__building")
        .order_by("created_at", "pk")
    ]
    data["contact_change_requests"] = [
        {
            "submitted_at": change.created_at,
            "phone": change.phone,
            "email": change.email,
            "address": change.address,
            "postal_code": change.postal_code,
            "city": change.city,
            "comment": change.comment,
            "status": change.get_status_display(),
            "office_note": change.staff_note,
            "handled_at": change.confirmed_at,
        }
        for change in ContactChangeRequest.objects.filter(party=party).order_by(
            "created_at", "pk"
        )
    ]
    # Votes on resolutions cast by the party (a co-owner's later vote for the
    # same unit replaces it: then it is the co-owner's, and not listed here).
    data["votes"] = [
        {
            "community": ballot.vote.community.name,
            "resolution": ballot.vote.number,
            "title": ballot.vote.title,
            "unit": str(ballot.unit),
            "choice": ballot.get_choice_display(),
            "share": ballot.share,
            "first_cast_at": ballot.cast_at,
            "last_changed_at": ballot.changed_at,
            "changes": ballot.changes,
            "receipt": ballot.receipt,
        }
        for ballot in Ballot.objects.filter(party=party)
        .select_related("vote__community", "unit__building")
        .order_by("changed_at", "pk")
    ]
    # Repair requests and their threads, as the resident sees them (the
    # office's internal note is a working note of staff, not shown).
    repairs = list(
        RepairRequest.objects.filter(party=party)
        .select_related("unit__building")
        .defer("internal_note")
        .order_by("created_at", "pk")
    )
    photo_counts = {}
    for request_id in RepairPhoto.objects.filter(request__party=party).values_list(
        "request_id", flat=True
    ):
        photo_counts[request_id] = photo_counts.get(request_id, 0) + 1
    data["repair_requests"] = [
        {
            "request_number": repair.pk,
            "submitted_at": repair.created_at,
            "unit": str(repair.unit),
            "place": repair.get_place_display(),
            "category": repair.get_category_display(),
            "description": repair.description,
            "convenient_time": repair.convenient_time,
            "photos": photo_counts.get(repair.pk, 0),
            "status": repair.get_status_display(),
        }
        for repair in repairs
    ]
    data["repair_request_messages"] = [
        {
            "request_number": message.request_id,
            "date": message.created_at,
            "from": message.get_kind_display(),
            "status": message.get_status_display() if message.status else "",
            "text": message.text,
        }
        for message in RepairMessage.objects.filter(request__party=party).order_by(
            "created_at", "pk"
        )
    ]
    return data


def my_data_archive(*, user) -> bytes:
    """The ZIP the resident downloads: ``dane.json`` with everything, one CSV
    per kind of record, the attachments of their reports, the photos of their
    repair requests, and a README."""
    data = my_data(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "dane.json",
            json.dumps(
                {"generated_at": timezone.now(), **data},
                cls=DjangoJSONEncoder,
                ensure_ascii=False,
                indent=2,
            ),
        )
        for name, rows in data.items():
            keys = list(rows[0]) if rows else []
            archive.writestr(
                f"csv/{name}.csv",
                write_csv(
                    [column_label(key) for key in keys] or ["-"],
                    ([row[key] for key in keys] for row in rows),
                ),
            )
        if user.party_id:
            for report in DiscrepancyReport.objects.filter(
                party_id=user.party_id
            ).exclude(attachment=""):
                filename, _content_type = attachment_download(report)
                try:
                    with report.attachment.open("rb") as handle:
                        archive.writestr(
                            f"zalaczniki/{report.pk}-{filename}", handle.read()
                        )
                except FileNotFoundError:
                    continue
            for photo in RepairPhoto.objects.filter(request__party_id=user.party_id):
                try:
                    with photo.image.open("rb") as handle:
                        archive.writestr(
                            f"zdjecia/{photo.request_id}-{photo.pk}.jpg", handle.read()
                        )
                except FileNotFoundError:
                    continue
        readme = [
            _("Your data held by the cooperative's portal (IOK), as of %(when)s.")
            % {"when": format_date(timezone.localtime(), "SHORT_DATETIME_FORMAT")},
            _(
                "dane.json holds everything; the csv folder has the same records "
                "as spreadsheets (UTF-8, semicolons)."
            ),
        ]
        archive.writestr("README.txt", "\r\n".join(readme) + "\r\n")
    return buffer.getvalue()
