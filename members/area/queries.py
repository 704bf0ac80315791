"""Reads of the member area's own records: discrepancy reports, contact
change requests and repair requests. Notices are read by ``cms.queries``.

A resident's financial and meter data (units and balances with the §III.4
simulation, the ledger page, loans, meters, readings) are read by
``ledger.queries`` only.

Every function takes the ``party`` as a required keyword argument and returns
only that party's data; an id that is not the party's raises ``Http404``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from ledger.models import Party
from members.models import (
    ContactChangeRequest,
    DiscrepancyReport,
    RepairPhoto,
    RepairRequest,
)

# --- Reports and contact changes --------------------------------------------------


def reports_for_party(*, party: Party) -> QuerySet[DiscrepancyReport]:
    return DiscrepancyReport.objects.filter(party=party).select_related(
        "unit__building"
    )


def report_for_party(*, party: Party, report_id: int) -> DiscrepancyReport:
    """One of the party's reports; ``Http404`` for any other id."""
    report = reports_for_party(party=party).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def contact_requests_for_party(*, party: Party) -> QuerySet[ContactChangeRequest]:
    return ContactChangeRequest.objects.filter(party=party)


# --- Repair requests ----------------------------------------------------------------
# The resident's pages never load ``internal_note`` (the office's own note).


def repairs_for_party(*, party: Party) -> QuerySet[RepairRequest]:
    return (
        RepairRequest.objects.filter(party=party)
        .select_related("unit__building")
        .defer("internal_note", "assignee")
    )


def repair_for_party(*, party: Party, request_id: int) -> RepairRequest:
    """One of the party's repair requests with its photos and thread (three
    queries); ``Http404`` for any other id."""
    request = (
        repairs_for_party(party=party)
        .prefetch_related("photos", "messages")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise Http404
    return request


def repair_photo_for_party(
    *, party: Party, request_id: int, photo_id: int
) -> RepairPhoto:
    """A photo of one of the party's requests; ``Http404`` otherwise."""
    photo = RepairPhoto.objects.filter(
        pk=photo_id, request_id=request_id, request__party=party
    ).first()
    if photo is None:
        raise Http404
    return photo


def open_repairs_count(*, party: Party) -> int:
    """How many of the party's repair requests are still open (dashboard)."""
    return RepairRequest.objects.filter(
        party=party, status__in=RepairRequest.OPEN_STATUSES
    ).count()
