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

* Loans closed (nothing outstanding) whose last entry is before that cut-off,
  with their entries; open loans are kept whole (their debt needs every entry).
* Meter readings taken before that cut-off, except each meter's last accepted
  reading before it (the starting point of the first kept consumption).
* Memberships that ended (not active) more than
  ``IOK_FORMER_RESIDENT_RETENTION_YEARS`` ago.
* Former residents: a party whose every right to a unit ended, and every
  membership ended, more than ``IOK_FORMER_RESIDENT_RETENTION_YEARS`` ago loses
  its login (the User and what hangs on it) and its personal data (name,
  contacts, address are blanked; the party number stays as the accounting
  system's key), with all its discrepancy reports and contact-change requests.
* Discrepancy reports answered, and contact-change requests handled, more than
  ``IOK_REQUEST_RETENTION_DAYS`` ago; their attachments.
* Uploaded import files older than ``IOK_IMPORT_FILE_RETENTION_DAYS``.
* Records of e-mails sent, failed or bounced (``members.outbox``) queued more
  than ``IOK_EMAIL_RETENTION_DAYS`` ago (a message still queued stays), and
  the payment reminders' records of the same age.

Everything runs in one transaction; files (attachments, import uploads) are
deleted only after it commits (``transaction.on_commit``), so a failed or dry
run leaves every file in place.

The periods are the cooperative's decision as the data controller; the
defaults only make the command safe to run (docs/operations.md).
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import (
    Exists,
    Max,
    OuterRef,
    Q,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from ledger import compaction
from ledger import queries as ledger_queries
from ledger.compaction import compact_ledger_history
from ledger.models import (
    Loan,
    LoanEntry,
    Membership,
    MeterReading,
    Party,
    UnitRight,
)

from .models import (
    AuditEvent,
    ContactChangeRequest,
    DiscrepancyReport,
    NotificationSent,
    OutgoingEmail,
    User,
)

logger = logging.getLogger("members.retention")

#: ``LedgerEntry.source`` of the carried-forward balances (ledger.compaction).
CARRY_SOURCE = compaction.CARRY_SOURCE
#: What a former resident's name becomes (the party number stays).
ERASED_NAME = "(dane usunięte)"


@dataclass
class PurgePlan:
    """Cut-off moments: everything strictly older is deleted."""

    audit_before: dt.datetime
    login_before: dt.datetime
    ledger_before: dt.date
    #: Rights and memberships that ended before this day make a former resident.
    former_before: dt.date = dt.date.min
    requests_before: dt.datetime = dt.datetime.min.replace(tzinfo=dt.UTC)
    import_files_before: dt.datetime = dt.datetime.min.replace(tzinfo=dt.UTC)
    emails_before: dt.datetime = dt.datetime.min.replace(tzinfo=dt.UTC)

    @classmethod
    def from_settings(cls, now: dt.datetime | None = None) -> "PurgePlan":
        now = now or timezone.now()
        today = timezone.localdate(now)
        years = settings.IOK_LEDGER_RETENTION_YEARS
        if years < 1:
            raise ValueError("IOK_LEDGER_RETENTION_YEARS must be at least 1")
        former_years = settings.IOK_FORMER_RESIDENT_RETENTION_YEARS
        if former_years < 1:
            raise ValueError("IOK_FORMER_RESIDENT_RETENTION_YEARS must be at least 1")
        return cls(
            audit_before=now - dt.timedelta(days=settings.IOK_AUDIT_RETENTION_DAYS),
            login_before=now - dt.timedelta(days=settings.IOK_LOGIN_LOG_RETENTION_DAYS),
            ledger_before=dt.date(today.year - years + 1, 1, 1),
            former_before=_years_before(today, former_years),
            requests_before=now
            - dt.timedelta(days=settings.IOK_REQUEST_RETENTION_DAYS),
            import_files_before=now
            - dt.timedelta(days=settings.IOK_IMPORT_FILE_RETENTION_DAYS),
            emails_before=now - dt.timedelta(days=settings.IOK_EMAIL_RETENTION_DAYS),
        )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass
class PurgeResult:
    plan: PurgePlan
    dry_run: bool
    deleted: dict[str, int] = field(default_factory=dict)
    carried_forward_units: int = 0
    #: Storage names of the files deleted (or, in a dry run, to be deleted).
    files: list[str] = field(default_factory=list)


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
    _purge_loans(plan, result)
    _purge_readings(plan, result)
    # Former residents first: a party known only from its memberships must be
    # recognised before those memberships go.
    _purge_former_residents(plan, result)
    _purge_memberships(plan, result)
    _purge_requests(plan, result)
    _purge_import_files(plan, result)
    _purge_emails(plan, result)


def _purge_emails(plan: PurgePlan, result: PurgeResult) -> None:
    from members.notifications import PAYMENT_REMINDER

    result.deleted["e-mail records"] = (
        OutgoingEmail.objects.filter(created_at__lt=plan.emails_before)
        .exclude(status=OutgoingEmail.Status.QUEUED)
        .delete()[0]
    )
    result.deleted["reminder records"] = NotificationSent.objects.filter(
        topic=PAYMENT_REMINDER, created_at__lt=plan.emails_before
    ).delete()[0]


def _delete_files_after_commit(storage, names: list[str], result: PurgeResult):
    """Files go only once the deletions are committed: a rolled-back (or dry)
    run keeps them, like the rows that point at them."""
    names = [name for name in names if name]
    result.files.extend(names)
    if not names:
        return

    def delete():
        for name in names:
            try:
                storage.delete(name)
            except OSError:  # one missing or stuck file must not stop the rest
                logger.warning("could not delete %s", name, exc_info=True)

    transaction.on_commit(delete)


def _purge_loans(plan: PurgePlan, result: PurgeResult) -> None:
    """Loans repaid in full whose last entry is older than the ledger cut-off."""
    # "Repaid in full" is the one loan rule: ledger.queries.loans_with_figures.
    closed = (
        ledger_queries.loans_with_figures()
        .annotate(last_entry=Max("entries__date"))
        .filter(last_entry__lt=plan.ledger_before, outstanding__lte=0)
        .values_list("pk", flat=True)
    )
    doomed = Loan.objects.filter(pk__in=list(closed))
    counts = doomed.delete()[1]
    result.deleted["closed loans"] = counts.get(Loan._meta.label, 0)
    result.deleted["loan entries"] = counts.get(LoanEntry._meta.label, 0)


def _purge_readings(plan: PurgePlan, result: PurgeResult) -> None:
    """Readings before the ledger cut-off, but each meter's last accepted one
    before it, from which the first kept consumption is counted."""
    old = MeterReading.objects.filter(reading_date__lt=plan.ledger_before)
    later = old.filter(
        meter=OuterRef("meter"),
        status=MeterReading.Status.ACCEPTED,
    ).filter(
        Q(reading_date__gt=OuterRef("reading_date"))
        | Q(reading_date=OuterRef("reading_date"), pk__gt=OuterRef("pk"))
    )
    baseline = old.filter(status=MeterReading.Status.ACCEPTED).exclude(Exists(later))
    result.deleted["meter readings"] = old.exclude(
        pk__in=baseline.values("pk")
    ).delete()[0]


def _ended_on():
    """The day a membership ended: its termination date, else the day the
    record last changed (an imported status without a date)."""
    return Coalesce("termination_date", TruncDate("updated_at"))


def _purge_memberships(plan: PurgePlan, result: PurgeResult) -> None:
    ended = Membership.objects.exclude(status=Membership.Status.ACTIVE).annotate(
        ended_on=_ended_on()
    )
    result.deleted["former memberships"] = ended.filter(
        ended_on__lt=plan.former_before
    ).delete()[0]


def former_residents(plan: PurgePlan):
    """Parties that held a unit or were members, and whose every right and
    membership ended before ``plan.former_before``; not yet erased."""
    recent_right = UnitRight.objects.filter(party=OuterRef("pk")).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=plan.former_before)
    )
    recent_membership = (
        Membership.objects.filter(party=OuterRef("pk"))
        .annotate(ended_on=_ended_on())
        .filter(
            Q(status=Membership.Status.ACTIVE) | Q(ended_on__gte=plan.former_before)
        )
    )
    had_something = Exists(UnitRight.objects.filter(party=OuterRef("pk"))) | Exists(
        Membership.objects.filter(party=OuterRef("pk"))
    )
    erased = Q(
        name=ERASED_NAME, email="", phone="", address="", postal_code="", city=""
    )
    return (
        Party.objects.filter(had_something)
        .exclude(Exists(recent_right))
        .exclude(Exists(recent_membership))
        .exclude(erased & ~Exists(User.objects.filter(party=OuterRef("pk"))))
    )


def _purge_former_residents(plan: PurgePlan, result: PurgeResult) -> None:
    parties = list(former_residents(plan).values_list("pk", flat=True))
    reports = DiscrepancyReport.objects.filter(party_id__in=parties)
    _delete_files_after_commit(
        DiscrepancyReport._meta.get_field("attachment").storage,
        list(reports.exclude(attachment="").values_list("attachment", flat=True)),
        result,
    )
    result.deleted["reports of former residents"] = reports.delete()[0]
    result.deleted["contact requests of former residents"] = (
        ContactChangeRequest.objects.filter(party_id__in=parties).delete()[0]
    )
    # The login and everything hanging on it (sessions, devices, notices shown).
    users = User.objects.filter(party_id__in=parties)
    result.deleted["accounts of former residents"] = users.count()
    users.delete()
    result.deleted["former residents erased"] = Party.objects.filter(
        pk__in=parties
    ).update(
        name=ERASED_NAME,
        email="",
        phone="",
        address="",
        postal_code="",
        city="",
        updated_at=timezone.now(),
    )


def _purge_requests(plan: PurgePlan, result: PurgeResult) -> None:
    """Reports answered and contact requests handled before the cut-off; ones
    still waiting for the office are kept whatever their age."""
    reports = DiscrepancyReport.objects.filter(
        status=DiscrepancyReport.Status.ANSWERED
    ).filter(
        Q(answered_at__lt=plan.requests_before)
        | Q(answered_at__isnull=True, updated_at__lt=plan.requests_before)
    )
    _delete_files_after_commit(
        DiscrepancyReport._meta.get_field("attachment").storage,
        list(reports.exclude(attachment="").values_list("attachment", flat=True)),
        result,
    )
    result.deleted["answered reports"] = reports.delete()[0]
    result.deleted["handled contact requests"] = (
        ContactChangeRequest.objects.exclude(status=ContactChangeRequest.Status.PENDING)
        .filter(
            Q(confirmed_at__lt=plan.requests_before)
            | Q(confirmed_at__isnull=True, created_at__lt=plan.requests_before)
        )
        .delete()[0]
    )


def _purge_import_files(plan: PurgePlan, result: PurgeResult) -> None:
    """Uploaded import files (ledger.imports.storage): the import has long
    been done, and the accounting system keeps the originals."""
    from ledger.imports.storage import FOLDER

    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        files = []
    old = []
    for name in files:
        path = f"{FOLDER}/{name}"
        try:
            modified = default_storage.get_modified_time(path)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified < plan.import_files_before:
            old.append(path)
    result.deleted["import files"] = len(old)
    _delete_files_after_commit(default_storage, old, result)


def _purge_ledger(plan: PurgePlan, result: PurgeResult) -> None:
    """Old entries become carried-forward balances: the rule lives in
    ledger.compaction (the app that owns the ledger)."""
    compaction = compact_ledger_history(before=plan.ledger_before)
    result.deleted["ledger entries"] = compaction.entries_deleted
    result.deleted["ledger settlements"] = compaction.settlements_deleted
    result.carried_forward_units = compaction.carried_forward_units
