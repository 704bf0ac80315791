"""Display of money the Polish way: ``1 234,56 zł``."""

from decimal import Decimal

from django.utils.formats import number_format

from ledger.queries import money


def format_money(value: Decimal | int | None) -> str:
    """``value`` in the active locale with grouping and two decimal places,
    followed by the currency (``1 234,56 zł`` in Polish; the spaces do not
    break). ``None`` shows as an empty string."""
    if value is None:
        return ""
    number = number_format(money(value), decimal_pos=2, force_grouping=True)
    return f"{number}\u00a0zł"
