"""``{% load money %}``: amounts of money as Poles read them.

``{{ amount|pln }}`` gives ``1 234,56 zł`` (non-breaking spaces between the
thousands and before "zł", so an amount never wraps across lines), through
Django's localisation of the active language rather than by hand.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()

NBSP = "\xa0"


def format_pln(value, *, signed: bool = True) -> str:
    """``value`` as ``1 234,56 zł``; ``signed=False`` drops the minus sign.
    An empty or invalid value gives ""."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if not signed:
        amount = abs(amount)
    text = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    # Some locales group with a plain space; a wrapped amount misreads.
    return text.replace(" ", NBSP) + NBSP + "zł"


@register.filter(is_safe=True)
def pln(value) -> str:
    """``-1234.5`` → ``-1 234,50 zł``."""
    return format_pln(value)


@register.filter(is_safe=True)
def pln_abs(value) -> str:
    """The amount without its sign, for sentences that say "arrears of …"."""
    return format_pln(value, signed=False)
