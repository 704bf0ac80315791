"""``{% load area_tags %}``: display helpers of the member area."""

from django import template

from ledger.formatting import format_quantity
from members.area.zones import menu_items

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
