"""Template helpers for the books: ``{{ amount|money }}`` → ``1 234,56 zł``,
and ``{% cache_version %}`` for template fragments kept in the cache."""

from django import template
from django.utils.translation import gettext as _

from ledger.caching import NAMESPACES, deploy_version
from ledger.formatting import balance_words as words_for_balance
from ledger.formatting import format_money, format_share

register = template.Library()


@register.filter
def money(value):
    """An amount as ``1 234,56 zł`` (in the active locale)."""
    return format_money(value)


@register.filter
def share(value):
    """A share in the common property as ``0,0602 (6,02%)``; "none on record"
    when empty."""
    if value is None or value == "":
        return _("none on record")
    return format_share(value)


@register.simple_tag
def cache_version(name: str = "") -> str:
    """``{% cache_version "site-links" as version %}``: the current version of
    the cache namespace ``name`` (``ledger.caching``), or without a name only
    the deploy version, to pass to ``{% cache %}`` as a vary-on argument, so
    that the fragment re-renders at once when the namespace is bumped or the
    code is deployed."""
    if not name:
        return deploy_version()
    return NAMESPACES[name].version()


@register.simple_tag
def balance_words(breakdown, monthly_charge=None):
    """``{% balance_words breakdown monthly_charge as words %}``: the words for
    a balance (``ledger.formatting.balance_words``)."""
    return words_for_balance(breakdown, monthly_charge=monthly_charge)
