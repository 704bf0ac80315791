"""Data retention (RODO art. 5(1)(e), storage limitation): what the portal
deletes once it is no longer needed, run by ``manage.py purge_old_data``.

* Audit events older than ``IOK_AUDIT_RETENTION_DAYS``.
* Login records of django-axes (identifier, IP address, browser) older than
  ``IOK_LOGIN_LOG_RETENTION_DAYS``.
* Ledger entries booked before the first day of the oldest kept year
  (``IOK_LEDGER_RETENTION_YEARS`` calendar years, the current one included).
  Each unit's deleted entries are replaced by carried-forward balances (one,
  or one per change of the unit's holders), so every balance and every
  statement from the cut-off on stays exactly what it was.

The periods are the cooperative's decision as the data controller; the
defaults only make the command safe to run (docs/operations.md).
"""

import bisect
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from ledger.models import LedgerEntry, UnitRight

from .models import AuditEvent

#: ``LedgerEntry.source`` of the carried-forward balances written here.
CARRY_SOURCE = "retention"


@dataclass
class PurgePlan:
    """Cut-off moments: everything strictly older is deleted."""

    audit_before: dt.datetime
    login_before: dt.datetime
    ledger_before: dt.date

    @classmethod
    def from_settings(cls, now: dt.datetime | None = None) -> "PurgePlan":
        now = now or timezone.now()
        today = timezone.localdate(now)
        years = settings.IOK_LEDGER_RETENTION_YEARS
        if years < 1:
            raise ValueError("IOK_LEDGER_RETENTION_YEARS must be at least 1")
        return cls(
            audit_before=now - dt.timedelta(days=settings.IOK_AUDIT_RETENTION_DAYS),
            login_before=now - dt.timedelta(days=settings.IOK_LOGIN_LOG_RETENTION_DAYS),
            ledger_before=dt.date(today.year - years + 1, 1, 1),
        )


@dataclass
class PurgeResult:
    plan: PurgePlan
    dry_run: bool
    deleted: dict[str, int] = field(default_factory=dict)
    carried_forward_units: int = 0


class _DryRun(Exception):
    pass


def purge_old_data(*, plan: PurgePlan, dry_run: bool = False) -> PurgeResult:
    """Delete what is older than ``plan`` in one transaction (all or nothing);
    with ``dry_run`` count the same rows and roll back."""
    result = PurgeResult(plan=plan, dry_run=dry_run)
    try:
        with transaction.atomic():
            _purge(plan, result)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _purge(plan: PurgePlan, result: PurgeResult) -> None:
    deleted = result.deleted
    deleted["audit events"] = AuditEvent.objects.filter(
        created_at__lt=plan.audit_before
    ).delete()[0]
    deleted["login records"] = sum(
        model.objects.filter(attempt_time__lt=plan.login_before).delete()[0]
        for model in (AccessLog, AccessFailureLog, AccessAttempt)
    )

    _purge_ledger(plan, result)


def _carry_intervals(plan: PurgePlan) -> dict[int, list[dt.date]]:
    """Per unit, the last days of the periods whose entries may be summed into
    one: a right to the unit starting or ending splits a period, because each
    holder sees only the entries booked while their right was valid."""
    ends: dict[int, set[dt.date]] = {}
    rights = UnitRight.objects.filter(valid_from__lt=plan.ledger_before)
    for unit_id, valid_from, valid_to in rights.values_list(
        "unit_id", "valid_from", "valid_to"
    ):
        days = ends.setdefault(unit_id, set())
        days.add(valid_from - dt.timedelta(days=1))
        if valid_to is not None and valid_to < plan.ledger_before:
            days.add(valid_to)
    return {unit_id: sorted(days) for unit_id, days in ends.items()}


def _purge_ledger(plan: PurgePlan, result: PurgeResult) -> None:
    """Replace the entries booked before the cut-off by carried-forward balances:
    one per unit and per period between changes of the unit's holders, dated on
    the period's last day. Every holder's balance and statements from the
    cut-off on stay exactly as they were."""
    old = LedgerEntry.objects.filter(booking_date__lt=plan.ledger_before)
    last_day = plan.ledger_before - dt.timedelta(days=1)
    intervals = _carry_intervals(plan)
    carried: dict[tuple[int, dt.date], Decimal] = {}
    rows = (
        old.values_list("unit_id", "booking_date")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for unit_id, booking_date, total in rows.iterator(chunk_size=10_000):
        ends = intervals.get(unit_id, [])
        position = bisect.bisect_left(ends, booking_date)
        end = ends[position] if position < len(ends) else last_day
        key = (unit_id, end)
        carried[key] = carried.get(key, Decimal(0)) + total
    wanted = {
        (unit_id, f"BO-{unit_id}-{end:%Y%m%d}"): (end, amount)
        for (unit_id, end), amount in carried.items()
        if amount
    }
    existing = {
        (unit_id, external_id): (booking_date, amount)
        for unit_id, external_id, booking_date, amount in old.filter(
            source=CARRY_SOURCE
        ).values_list("unit_id", "external_id", "booking_date", "amount")
    }
    if existing == wanted and not old.exclude(source=CARRY_SOURCE).exists():
        # Already purged up to this cut-off: nothing to rewrite.
        result.deleted["ledger entries"] = result.deleted["ledger settlements"] = 0
        return
    # The delete counts settlements too (cascade); report them apart.
    counts = old.delete()[1]
    result.deleted["ledger entries"] = counts.get(LedgerEntry._meta.label, 0) - len(
        existing
    )
    result.deleted["ledger settlements"] = counts.get("ledger.EntrySettlement", 0)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                source=CARRY_SOURCE,
                external_id=external_id,
                unit_id=unit_id,
                booking_date=end,
                period=end.replace(day=1),
                kind=LedgerEntry.Kind.CORRECTION,
                amount=amount,
                description=f"Saldo przeniesione na dzień {end:%d.%m.%Y}",
            )
            for (unit_id, external_id), (end, amount) in wanted.items()
        ],
        batch_size=5_000,
    )
    result.carried_forward_units = len({unit_id for unit_id, _id in wanted})
