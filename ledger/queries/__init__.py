"""Reads of the cooperative's books (the "selectors"): the one public API.

Every function that returns a member's data takes the ``party`` as a required
keyword argument (or a ``Scope`` built from the party's rights) and shows only
what that party may see (docs/domain.md, "Who sees what"): units it holds a
right to, and their entries only for the days its rights are valid. A party
with no right to a unit gets ``UnitNotVisible``.

Aggregation happens in the database: balances are one ``SUM`` over the
``(unit, booking_date)`` index for any number of units, a statement page one
windowed query, so the number of queries is fixed and the cost follows the
index, not the history.

- ``base``: money, dates, right windows and scopes;
- ``units``: a party's units, rights and housing communities;
- ``balances``: balances as of a day with the §III.4 simulation (one unit or
  many at once);
- ``statements``: statements with running balances and payment–charge pairs;
- ``summaries``: a party's units with rights, balances and the ledger page,
  as the member area shows them;
- ``records``: loans (the one definition of repaid and outstanding), meters,
  readings, membership, and everything a party holds or held (``held_*``).

The rule "a party sees a unit's data only while holding its right" lives in
``base``: ``window_filter`` (with ``held_filter`` for several units) for the
ORM reads, ``visible_sql`` for the SQL ones, ``RightWindow.covers`` for one
day; ``held_on`` says which units a party holds on a day.
"""

from .balances import (
    Balance,
    BalanceBreakdown,
    MonthCharge,
    Payment,
    Totals,
    balance,
    balance_breakdown,
    balance_breakdown_for_staff,
    breakdowns,
    component_order,
    last_import_at,
    last_payment,
    month_charges,
    unit_totals,
)
from .base import (
    STATEMENT_PAGE_SIZE,
    ZERO,
    RightWindow,
    Scope,
    UnitNotVisible,
    covers,
    due_date_in_month,
    held_filter,
    held_on,
    held_until,
    money,
    month_start,
    party_scope,
    party_windows,
    right_windows,
    staff_scope,
    window_filter,
)
from .documents import (
    document_for_party,
    documents_for_party,
    held_documents,
    unread_documents_count,
)
from .records import (
    held_ledger_entries,
    held_loan_entries,
    held_loans,
    held_meters,
    held_readings,
    last_accepted_reading,
    loan_arrears,
    loan_entries_for_party,
    loan_for_party,
    loans_for_party,
    loans_for_units,
    loans_with_figures,
    memberships_for_party,
    meter_for_party,
    meters_for_party,
    meters_for_units,
    next_accepted_reading,
    readings_before_for_staff,
    readings_for_party,
    submitted_readings_for_party,
)
from .statements import (
    PairedEntry,
    Settlement,
    Statement,
    StatementRow,
    statement,
    statement_for_staff,
    statement_page,
)
from .summaries import (
    LedgerPage,
    UnitSummary,
    current_units,
    ledger_years,
    unit_ledger,
    unit_summaries,
    unit_summary,
)
from .units import (
    OWNERSHIP_KINDS,
    CommunityUnit,
    communities_for_party,
    community_units_with_owners,
    estate_offices,
    owned_community_units,
    owned_units,
    owner_communities,
    rights_for_party,
    unit_for_party,
    unit_owner_ids,
    units_for_party,
)

__all__ = [
    "OWNERSHIP_KINDS",
    "CommunityUnit",
    "community_units_with_owners",
    "owned_community_units",
    "owned_units",
    "owner_communities",
    "unit_owner_ids",
    "document_for_party",
    "documents_for_party",
    "held_documents",
    "unread_documents_count",
    "STATEMENT_PAGE_SIZE",
    "ZERO",
    "Balance",
    "BalanceBreakdown",
    "LedgerPage",
    "MonthCharge",
    "PairedEntry",
    "Payment",
    "RightWindow",
    "Scope",
    "Settlement",
    "Statement",
    "StatementRow",
    "Totals",
    "UnitNotVisible",
    "UnitSummary",
    "balance",
    "balance_breakdown",
    "balance_breakdown_for_staff",
    "breakdowns",
    "communities_for_party",
    "component_order",
    "covers",
    "current_units",
    "due_date_in_month",
    "held_filter",
    "held_ledger_entries",
    "held_loan_entries",
    "held_loans",
    "held_meters",
    "held_on",
    "held_readings",
    "held_until",
    "last_accepted_reading",
    "last_import_at",
    "last_payment",
    "ledger_years",
    "loan_arrears",
    "loan_entries_for_party",
    "loan_for_party",
    "loans_for_party",
    "loans_for_units",
    "loans_with_figures",
    "memberships_for_party",
    "meter_for_party",
    "meters_for_party",
    "meters_for_units",
    "money",
    "month_charges",
    "month_start",
    "next_accepted_reading",
    "party_scope",
    "party_windows",
    "readings_before_for_staff",
    "readings_for_party",
    "right_windows",
    "rights_for_party",
    "staff_scope",
    "statement",
    "statement_for_staff",
    "statement_page",
    "submitted_readings_for_party",
    "unit_for_party",
    "unit_ledger",
    "unit_summaries",
    "unit_summary",
    "unit_totals",
    "units_for_party",
    "window_filter",
    "estate_offices",
]
