"""The zones of the member area (rules §III.2) and its menu, in one place.

``ZONES`` names every zone by the key that staff and scripts use (issue 15's
``iok_zone <key>``); ``MENU`` is the one menu every member page shows, in
order, each entry tied to the zone it belongs to (``None``: always there).
The menu template and the zone switches read these lists; a zone added later
is one more ``Zone`` here and its entries in ``MENU``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Zone:
    key: str
    label: str | Promise
    # The URL names whose pages belong to the zone (in the ``members``
    # namespace, but for ``community-notices``, which has none).
    url_names: tuple[str, ...] = ()


ZONES: dict[str, Zone] = {
    zone.key: zone
    for zone in (
        Zone(
            "cooperative",
            _("Lease or right to a unit (cooperative stock)"),
        ),
        Zone("community", _("Ownership in a housing community")),
        Zone("loans", _("Loans"), ("loans", "loan-detail")),
        Zone("notices", _("Notices"), ("notices", "notice")),
        Zone(
            "community-notices", _("Notices of my communities"), ("community-notices",)
        ),
        Zone("meters", _("Meter readings"), ("meters", "meter-detail")),
        Zone("membership", _("Membership"), ("membership",)),
        Zone("contact", _("Contact data"), ("contact",)),
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
    MenuItem(_("My reports"), "reports", ("report-detail", "report-create")),
    MenuItem(_("My data (GDPR)"), "my-data"),
    MenuItem(_("Security"), "security", ("security-totp", "security-disable")),
    MenuItem(_("Change password"), "password-change"),
)


def menu_items(url_name: str | None) -> list[dict]:
    """The member menu for a page whose URL name is ``url_name``: each entry's
    ``label``, ``url`` and whether it is the ``current`` page. Entries of a
    zone that is switched off are left out (the zone switches decide here)."""
    return [
        {"label": item.label, "url": item.url, "current": item.is_current(url_name)}
        for item in MENU
    ]
