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
- ``records``: loans, meters and membership.
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
    held_until,
    money,
    month_start,
    party_scope,
    party_windows,
    right_windows,
    staff_scope,
    window_filter,
)
from .records import (
    held_ledger_entries,
    held_loan_entries,
    held_loans,
    held_meters,
    held_readings,
    loan_arrears,
    loan_entries_for_party,
    loans_for_party,
    loans_with_figures,
    memberships_for_party,
    meters_for_party,
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
from .units import (
    communities_for_party,
    rights_for_party,
    unit_for_party,
    units_for_party,
)

__all__ = [
    "STATEMENT_PAGE_SIZE",
    "ZERO",
    "Balance",
    "BalanceBreakdown",
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
    "balance",
    "balance_breakdown",
    "balance_breakdown_for_staff",
    "breakdowns",
    "communities_for_party",
    "component_order",
    "covers",
    "due_date_in_month",
    "held_filter",
    "held_ledger_entries",
    "held_loan_entries",
    "held_loans",
    "held_meters",
    "held_readings",
    "held_until",
    "last_import_at",
    "last_payment",
    "loan_arrears",
    "loan_entries_for_party",
    "loans_for_party",
    "loans_with_figures",
    "memberships_for_party",
    "meters_for_party",
    "money",
    "month_charges",
    "month_start",
    "party_scope",
    "party_windows",
    "readings_for_party",
    "right_windows",
    "rights_for_party",
    "staff_scope",
    "statement",
    "statement_for_staff",
    "statement_page",
    "submitted_readings_for_party",
    "unit_for_party",
    "unit_totals",
    "units_for_party",
    "window_filter",
]
