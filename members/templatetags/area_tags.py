"""``{% load area_tags %}``: display helpers of the member area."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


def trimmed_number(value) -> str:
    """A meter reading or consumption with only the decimals it has, in the
    active locale: ``569.500`` → ``569,5``, ``1200.000`` → ``1 200``."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = format(number.normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(number, decimal_pos=decimals, force_grouping=True)


@register.filter
def meter_value(value) -> str:
    """A reading, consumption or rate without trailing zeros (see above)."""
    return trimmed_number(value)
