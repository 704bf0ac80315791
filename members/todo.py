""" "Do załatwienia": the work waiting for the office, on the admin's home page.

``TODO_ITEMS`` is the one list of kinds of waiting work. Each item says who may
act on it (a permission test), which records are waiting (a queryset) and which
filtered admin screen lists them. A later kind of work (repair requests, for
instance) adds one ``TodoItem`` to the list; the home page panel
(``members/wagtail_hooks.py``) and its counts follow.

All the counts a user sees come from one SQL query (``UNION ALL`` of one
``COUNT`` per item), whatever the number of items.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import CharField, Exists, F, Func, IntegerField, OuterRef, Value
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ledger.imports.admin_views import can_import
from ledger.models import DataImport, MeterReading

from .models import (
    ContactChangeRequest,
    DiscrepancyReport,
    OutgoingEmail,
    RepairRequest,
    ResidentMeterReading,
)
from .queries import for_staff_estates


@dataclass(frozen=True)
class TodoItem:
    """One kind of waiting work."""

    key: str
    label: Promise
    #: Whether the user may act on these records (see them and decide).
    may_act: Callable[[object], bool]
    #: The records waiting, as a queryset (counted, never loaded).
    pending: Callable[[], QuerySet]
    #: The admin screen that lists them.
    url: Callable[[], str]
    #: Records of the estate office serving their unit (this path to the
    #: unit): counted only for the user's office(s), as the screen lists them.
    unit_path: str | None = None


@dataclass(frozen=True)
class TodoEntry:
    """What the panel shows for one item: a label, a count and a link."""

    key: str
    label: str
    count: int
    url: str


def _permission(name: str) -> Callable[[object], bool]:
    return lambda user: user.has_perm(name)


def _index(url_name: str, **filters: str) -> Callable[[], str]:
    def url() -> str:
        query = "&".join(f"{key}={value}" for key, value in filters.items())
        return reverse(url_name) + (f"?{query}" if query else "")

    return url


def _imports_waiting(status: str) -> Callable[[], QuerySet]:
    """Imports with ``status`` that nothing has settled since: no later import
    of the same kind succeeded (for a failed or interrupted one), and the same
    file was not imported for real after its dry run."""

    def pending() -> QuerySet:
        later = DataImport.objects.filter(
            kind=OuterRef("kind"), created_at__gt=OuterRef("created_at")
        )
        waiting = DataImport.objects.filter(status=status)
        if status == DataImport.Status.DRY_RUN:
            # A dry run can be confirmed while its uploader's session lasts,
            # and only when it found no errors.
            settled = later.filter(checksum=OuterRef("checksum")).exclude(
                status=DataImport.Status.DRY_RUN
            )
            waiting = waiting.filter(
                errors=[],
                created_at__gte=timezone.now()
                - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE),
            )
        else:
            settled = later.filter(status=DataImport.Status.SUCCEEDED)
        return waiting.exclude(Exists(settled))

    return pending


_STATUS = "status__exact"

#: Every kind of waiting work, in the order the panel lists them.
TODO_ITEMS: list[TodoItem] = [
    TodoItem(
        key="reports-new",
        label=_("New discrepancy reports"),
        may_act=_permission("members.change_discrepancyreport"),
        pending=lambda: DiscrepancyReport.objects.filter(
            status=DiscrepancyReport.Status.NEW
        ),
        url=_index("members_discrepancyreport_modeladmin_index", **{_STATUS: "new"}),
        unit_path="unit",
    ),
    TodoItem(
        key="reports-in-progress",
        label=_("Discrepancy reports in progress"),
        may_act=_permission("members.change_discrepancyreport"),
        pending=lambda: DiscrepancyReport.objects.filter(
            status=DiscrepancyReport.Status.IN_PROGRESS
        ),
        url=_index(
            "members_discrepancyreport_modeladmin_index", **{_STATUS: "in_progress"}
        ),
        unit_path="unit",
    ),
    TodoItem(
        key="repairs-new",
        label=_("New repair requests"),
        may_act=_permission("members.change_repairrequest"),
        pending=lambda: RepairRequest.objects.filter(status=RepairRequest.Status.NEW),
        url=_index("members_repairrequest_modeladmin_index", **{_STATUS: "new"}),
        unit_path="unit",
    ),
    TodoItem(
        key="readings",
        label=_("Meter readings to review"),
        may_act=_permission("members.change_residentmeterreading"),
        pending=lambda: ResidentMeterReading.objects.filter(
            source=MeterReading.Source.RESIDENT, status=MeterReading.Status.PENDING
        ),
        url=_index(
            "members_residentmeterreading_modeladmin_index", **{_STATUS: "pending"}
        ),
    ),
    TodoItem(
        key="contact-changes",
        label=_("Contact data changes to confirm"),
        may_act=_permission("members.change_contactchangerequest"),
        pending=lambda: ContactChangeRequest.objects.filter(
            status=ContactChangeRequest.Status.PENDING
        ),
        url=_index(
            "members_contactchangerequest_modeladmin_index", **{_STATUS: "pending"}
        ),
    ),
    TodoItem(
        key="emails-undelivered",
        label=_("E-mails not delivered (failed or bounced)"),
        may_act=_permission("members.change_outgoingemail"),
        pending=lambda: OutgoingEmail.objects.filter(
            status__in=[OutgoingEmail.Status.FAILED, OutgoingEmail.Status.BOUNCED],
            handled_at__isnull=True,
        ),
        url=_index("members_outgoingemail_modeladmin_index", **{_STATUS: "failed"}),
    ),
    TodoItem(
        key="imports-dry-run",
        label=_("Dry runs of imports waiting for a decision"),
        may_act=can_import,
        pending=_imports_waiting(DataImport.Status.DRY_RUN),
        url=_index("ledger_dataimport_modeladmin_index", **{_STATUS: "dry_run"}),
    ),
    TodoItem(
        key="imports-failed",
        label=_("Failed imports not yet repeated"),
        may_act=can_import,
        pending=_imports_waiting(DataImport.Status.FAILED),
        url=_index("ledger_dataimport_modeladmin_index", **{_STATUS: "failed"}),
    ),
    TodoItem(
        key="imports-interrupted",
        label=_("Interrupted imports not yet repeated"),
        may_act=can_import,
        pending=_imports_waiting(DataImport.Status.INTERRUPTED),
        url=_index("ledger_dataimport_modeladmin_index", **{_STATUS: "interrupted"}),
    ),
]


def _count_query(item: TodoItem, user) -> QuerySet:
    # COUNT as a plain function (not an aggregate): one row per item, even
    # when nothing waits, and no GROUP BY.
    pending = item.pending()
    if item.unit_path is not None:
        pending = for_staff_estates(pending, user, unit_path=item.unit_path)
    return pending.order_by().values(
        todo=Value(item.key, output_field=CharField()),
        n=Func(F("pk"), function="COUNT", output_field=IntegerField()),
    )


def todo_for(user, items: list[TodoItem] | None = None) -> list[TodoEntry]:
    """The waiting work ``user`` may act on, with counts (one query; none when
    the user may act on nothing). Items with nothing waiting are included with
    a count of 0, so the panel can say so."""
    # Several items share a test (the three import items): each test runs once.
    allowed: dict[int, bool] = {}
    for item in TODO_ITEMS if items is None else items:
        if id(item.may_act) not in allowed:
            allowed[id(item.may_act)] = bool(item.may_act(user))
    items = [
        item
        for item in (TODO_ITEMS if items is None else items)
        if allowed[id(item.may_act)]
    ]
    if not items:
        return []
    first, *rest = (_count_query(item, user) for item in items)
    counts = {
        row["todo"]: row["n"]
        for row in (first.union(*rest, all=True) if rest else first)
    }
    return [
        TodoEntry(
            key=item.key,
            label=str(item.label),
            count=counts.get(item.key, 0),
            url=item.url(),
        )
        for item in items
    ]
