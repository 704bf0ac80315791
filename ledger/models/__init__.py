"""The cooperative's books, as exported by its accounting system.

One module per area; everything is re-exported here so ``ledger.models.Unit``
and the app label ``ledger`` stay stable. Domain rules: docs/domain.md.
"""

from .accounts import (
    DEFAULT_DUE_DAY,
    ChargeComponent,
    ChargeSchedule,
    EntrySettlement,
    LedgerEntry,
)
from .base import MONEY, TimeStampedModel
from .documents import PersonalDocument
from .imports import DataImport
from .loans import Loan, LoanEntry
from .meters import Meter, MeterReading
from .parties import Membership, Party, UnitRight
from .structure import Building, Estate, HousingCommunity, Unit

__all__ = [
    "DEFAULT_DUE_DAY",
    "MONEY",
    "Building",
    "ChargeComponent",
    "ChargeSchedule",
    "DataImport",
    "EntrySettlement",
    "Estate",
    "HousingCommunity",
    "LedgerEntry",
    "Loan",
    "LoanEntry",
    "Membership",
    "Meter",
    "MeterReading",
    "Party",
    "PersonalDocument",
    "TimeStampedModel",
    "Unit",
    "UnitRight",
]
