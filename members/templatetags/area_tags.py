"""``{% load area_tags %}``: display helpers of the member area."""

from django import template

from ledger.formatting import format_quantity
from members.area.zones import menu_items, zone_statuses

register = template.Library()


@register.filter
def meter_value(value) -> str:
    """A reading, consumption or rate without trailing zeros:
    ``ledger.formatting.format_quantity``."""
    return format_quantity(value)


@register.simple_tag
def member_menu(url_name: str | None) -> list[dict]:
    """The member menu's entries for the page named ``url_name``
    (``members.area.zones.menu_items``, the one place they come from)."""
    return menu_items(url_name)


@register.simple_tag
def zones_key() -> str:
    """The zones that are not on now, as a vary-on argument of ``{% cache %}``:
    a fragment that depends on the zones (the menu, the dashboard's cards)
    renders anew when a zone is switched or its end time passes (the end time
    bumps no cache version: ``zone_statuses`` applies it when read)."""
    return ",".join(
        sorted(key for key, status in zone_statuses().items() if not status.on)
    )
