"""Template helpers for the books: ``{{ amount|money }}`` → ``1 234,56 zł``."""

from django import template

from ledger.formatting import format_money

register = template.Library()


@register.filter
def money(value):
    """An amount as ``1 234,56 zł`` (in the active locale)."""
    return format_money(value)
