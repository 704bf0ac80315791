"""The zones of the member area (rules §III.2) and its menu, in one place.

``ZONES`` names every zone by the key that staff and scripts use (issue 15's
``iok_zone <key>``); ``MENU`` is the one menu every member page shows, in
order, each entry tied to the zone it belongs to (``None``: always there).
The menu template and the zone switches read these lists; a zone added later
is one more ``Zone`` here and its entries in ``MENU`` (docs/member-area.md,
"Adding a zone").

Each zone has a state (rules §III.3), set by the board or IT in the admin
("Strefy IOK") or with ``manage.py iok_zone``, always through ``zone_set()``:
on; suspended (a message instead of data, optionally until a time, after
which the zone is on again by itself); off (left out of the menu, its URLs
answer a page saying the service is not offered). ``zone_status()`` is the
one read of the states (cached in the ``zones`` namespace of
``ledger.caching``, bumped by every change, so every app server sees it at
once); ``members.middleware.ZoneMiddleware`` enforces it on every URL of a
zone, the dashboard and payments leave out what a zone that is not on holds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ledger.caching import namespace
from members.audit import Event, audit_record
from members.models import ZoneState


@dataclass(frozen=True)
class Zone:
    key: str
    label: str | Promise
    # The URL names whose pages belong to the zone (in the ``members``
    # namespace, but for ``community-notices``, which has none).
    url_names: tuple[str, ...] = ()
    # The URL namespace of ``url_names``.
    namespace: str = "members"
    # For the zones of rules §III.2 that are kinds of unit (``Unit.zone``):
    # the pages of one unit (URL names with a ``unit_id``) belong to the zone
    # of that unit, and the dashboard and payments leave its units out.
    unit_zone: str | None = None


# The pages of one unit (every member URL with this argument) belong to the
# zone of that unit (its ``Unit.zone``): a page added later is covered too.
UNIT_URL_KWARG = "unit_id"


def unit_url_names() -> set[str]:
    """The names of the member area's pages of one unit (``UNIT_URL_KWARG``)."""
    from members.area.urls import urlpatterns

    return {
        pattern.name
        for pattern in urlpatterns
        if UNIT_URL_KWARG in pattern.pattern.converters
    }


ZONES: dict[str, Zone] = {
    zone.key: zone
    for zone in (
        Zone(
            "cooperative",
            _("Lease or right to a unit (cooperative stock)"),
            unit_zone="cooperative",
        ),
        Zone("community", _("Ownership in a housing community"), unit_zone="community"),
        Zone("loans", _("Loans"), ("loans", "loan-detail")),
        Zone("notices", _("Notices"), ("notices", "notice")),
        Zone(
            "community-notices",
            _("Notices of my communities"),
            ("community-notices",),
            namespace="",
        ),
        Zone("meters", _("Meter readings"), ("meters", "meter-detail")),
        # Documents are reached by their own id (no ``unit_id``): this zone
        # alone governs their pages, whatever the zone of the unit.
        Zone(
            "documents",
            _("Documents"),
            ("documents", "document-download", "document-read"),
        ),
        Zone("membership", _("Membership"), ("membership",)),
        Zone("contact", _("Contact data"), ("contact",)),
        Zone(
            "votes",
            _("Votes"),
            ("votes", "vote", "vote-receipt", "vote-attachment"),
        ),
        Zone(
            "repairs",
            _("Faults and repairs"),
            ("repairs", "repair-create", "repair-detail", "repair-photo"),
        ),
    )
}


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url_name: str
    # Other URL names under which this entry is the current page.
    also_current: tuple[str, ...] = ()
    zone: str | None = None
    namespace: str = "members"

    @property
    def url(self) -> str:
        prefix = f"{self.namespace}:" if self.namespace else ""
        return reverse(prefix + self.url_name)

    def is_current(self, url_name: str | None) -> bool:
        return url_name == self.url_name or url_name in self.also_current


MENU: tuple[MenuItem, ...] = (
    MenuItem(_("My account"), "dashboard", ("ledger", "ledger-print")),
    MenuItem(_("Payments"), "payments"),
    MenuItem(_("Documents"), "documents", zone="documents"),
    MenuItem(_("Loans"), "loans", ("loan-detail",), zone="loans"),
    MenuItem(_("Meter readings"), "meters", ("meter-detail",), zone="meters"),
    MenuItem(_("Notices"), "notices", ("notice",), zone="notices"),
    MenuItem(
        _("Notices of my communities"),
        "community-notices",
        zone="community-notices",
        namespace="",
    ),
    MenuItem(_("Membership"), "membership", zone="membership"),
    MenuItem(_("Contact data"), "contact", zone="contact"),
    MenuItem(
        _("Votes"),
        "votes",
        ("vote", "vote-receipt"),
        zone="votes",
    ),
    MenuItem(_("My reports"), "reports", ("report-detail", "report-create")),
    MenuItem(
        _("Faults and repairs"),
        "repairs",
        ("repair-create", "repair-detail"),
        zone="repairs",
    ),
    MenuItem(_("Notifications"), "notifications"),
    MenuItem(_("My data (GDPR)"), "my-data"),
    MenuItem(_("Security"), "security", ("security-totp", "security-disable")),
    MenuItem(_("Change password"), "password-change"),
)


def menu_items(url_name: str | None) -> list[dict]:
    """The member menu for a page whose URL name is ``url_name``: each entry's
    ``label``, ``url`` and whether it is the ``current`` page. Entries of a
    zone that is switched off are left out (the zone switches decide here)."""
    statuses = zone_statuses()
    return [
        {"label": item.label, "url": item.url, "current": item.is_current(url_name)}
        for item in MENU
        if item.zone is None or not statuses[item.zone].off
    ]


# --- The zones' states (rules §III.3) ---------------------------------------------

ZONE_STATES_CACHE = namespace("zones", timeout=3600)
State = ZoneState.State


@dataclass(frozen=True)
class ZoneStatus:
    """A zone's state now: ``state`` with the end time already applied."""

    zone: Zone
    state: str = State.ON
    message: str = ""
    until: datetime.datetime | None = None

    @property
    def key(self) -> str:
        return self.zone.key

    @property
    def on(self) -> bool:
        return self.state == State.ON

    @property
    def suspended(self) -> bool:
        return self.state == State.SUSPENDED

    @property
    def off(self) -> bool:
        return self.state == State.OFF


def _stored_states() -> dict[str, tuple]:
    """``{zone key: (state, message, until)}`` of the rows staff have set."""
    return ZONE_STATES_CACHE.get_or_set(
        ("states",),
        lambda: {
            row.zone: (row.state, row.message, row.until)
            for row in ZoneState.objects.all()
        },
    )


def zone_statuses(*, now: datetime.datetime | None = None) -> dict[str, ZoneStatus]:
    """Every zone's status now, by key. A zone whose end time has passed is on
    again (nothing has to run at that moment: the time is compared here)."""
    now = now or timezone.now()
    stored = _stored_states()
    statuses = {}
    for key, zone in ZONES.items():
        state, message, until = stored.get(key, (State.ON, "", None))
        if state != State.ON and until is not None and until <= now:
            state, message, until = State.ON, "", None
        statuses[key] = ZoneStatus(zone, state, message, until)
    return statuses


def zone_status(key: str, *, now: datetime.datetime | None = None) -> ZoneStatus:
    return zone_statuses(now=now)[key]


_URL_ZONES = {
    (zone.namespace, name): zone.key
    for zone in ZONES.values()
    for name in zone.url_names
}


def zone_for_url(namespace: str, url_name: str | None) -> str | None:
    """The key of the zone whose page is the URL named ``namespace:url_name``
    (not for the pages of one unit: see ``UNIT_URL_KWARG``)."""
    return _URL_ZONES.get((namespace, url_name))


def unavailable_unit_zones(statuses: dict[str, ZoneStatus]) -> set[str]:
    """The ``Unit.zone`` values whose units must not be shown now."""
    return {
        status.zone.unit_zone
        for status in statuses.values()
        if status.zone.unit_zone and not status.on
    }


def zones_ensure() -> int:
    """A row (on) for every zone that has none, so the admin lists each zone
    with its history; returns how many were made. Not a change of state:
    not audited. Used by ``setup_site`` and ``seed_demo``."""
    existing = set(ZoneState.objects.values_list("zone", flat=True))
    missing = [ZoneState(zone=key) for key in ZONES if key not in existing]
    ZoneState.objects.bulk_create(missing)
    if missing:
        ZONE_STATES_CACHE.bump()
    return len(missing)


def zone_may_change(user) -> bool:
    """The board (the "Zarząd" group, given the permission by migration
    members.0007) and IT (superusers) switch zones. A permission, not a group
    lookup: Django keeps the user's permissions for the request, so the admin
    menu asks no extra query on every screen."""
    return user.is_active and user.has_perm("members.change_zonestate")


@transaction.atomic
def zone_set(
    key: str,
    state: str,
    *,
    message: str = "",
    until: datetime.datetime | None = None,
    actor=None,
    request=None,
) -> ZoneState:
    """Set the state of the zone ``key``; audited; every server sees it at once.
    Raises ``ValidationError`` (Polish message) on an unknown zone or state,
    or an end time in the past."""
    if key not in ZONES:
        raise ValidationError(
            _("Unknown zone %(zone)s. Zones: %(zones)s."),
            params={"zone": key, "zones": ", ".join(ZONES)},
        )
    if state not in State.values:
        raise ValidationError(
            _("Unknown state %(state)s: on, suspended or off."),
            params={"state": state},
        )
    message = (message or "").strip()
    if state == State.ON:
        message, until = "", None
    if until is not None and until <= timezone.now():
        raise ValidationError(_("The end time must be in the future."))
    row, _created = ZoneState.objects.select_for_update().get_or_create(zone=key)
    before = (row.state, row.message, row.until)
    row.state, row.message, row.until = state, message, until
    row.changed_at = timezone.now()
    row.changed_by = actor if getattr(actor, "is_authenticated", False) else None
    row.save()
    audit_record(
        actor=actor,
        event=Event.ZONE_CHANGED,
        request=request,
        zone=key,
        state=state,
        message=message,
        until=until.isoformat() if until else None,
        previous_state=before[0],
    )
    # Now, for this process; and after the commit, so that no server keeps a
    # value it read between the two.
    ZONE_STATES_CACHE.bump()
    transaction.on_commit(ZONE_STATES_CACHE.bump)
    return row
