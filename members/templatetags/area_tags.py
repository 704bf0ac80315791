"""``{% load area_tags %}``: display helpers of the member area."""

from django import template

from ledger.formatting import format_quantity

register = template.Library()


@register.filter
def meter_value(value) -> str:
    """A reading, consumption or rate without trailing zeros:
    ``ledger.formatting.format_quantity``."""
    return format_quantity(value)
