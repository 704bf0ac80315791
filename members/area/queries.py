"""Reads of the member area's own records: discrepancy reports and contact
change requests. Notices are read by ``cms.queries``.

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
from members.models import ContactChangeRequest, DiscrepancyReport

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
