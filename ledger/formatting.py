"""Money and dates for people, by Django's localization: ``1 234,56 zł``,
``14.03.2025``.

The one implementation of both. The separators and date forms come from the
active locale (``cms/formats/pl/formats.py`` over Django's own); nothing here
writes a separator or a date pattern by hand. Templates use ``{{ amount|money }}``
(``ledger_tags``) and ``|date:"SHORT_DATE_FORMAT"``; Python code (messages,
exports, the statement's rows) uses the functions below. Machine formats (ISO
dates in CSV, JSON and file names) use ``.isoformat()`` instead.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import dateformat
from django.utils.formats import get_format, number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ledger.queries import money


def money_formatter() -> Callable[[Decimal | int | None], str]:
    """A function formatting amounts as ``format_money`` does, with the
    locale's separators looked up once: the statement renders hundreds of
    amounts a page with it."""
    decimal_sep = get_format("DECIMAL_SEPARATOR")
    thousand_sep = get_format("THOUSAND_SEPARATOR")
    if thousand_sep == " ":
        # An amount never breaks across lines.
        thousand_sep = "\xa0"

    def format_amount(value: Decimal | int | None) -> str:
        if value is None:
            return ""
        # Grouped by three (the locale's NUMBER_GROUPING), two decimals.
        text = f"{money(value):,.2f}"
        return (
            text.replace(",", "\x00")
            .replace(".", decimal_sep)
            .replace("\x00", thousand_sep)
            + "\xa0zł"
        )

    return format_amount


def format_money(value: Decimal | int | None) -> str:
    """``value`` in the active locale with grouping and two decimal places,
    followed by the currency (``1 234,56 zł`` in Polish; the spaces do not
    break). ``None`` shows as an empty string."""
    return money_formatter()(value)


def format_quantity(value: Decimal | int | str | None) -> str:
    """A meter reading, consumption or rate with only the decimals it has, in
    the active locale: ``569.500`` → ``569,5``, ``1200.000`` → ``1 200``.
    Empty or not a number: an empty string."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    text = format(number.normalize(), "f")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(number, decimal_pos=decimals, force_grouping=True)


@functools.lru_cache(maxsize=8192)
def _date_text(value: dt.date, pattern: str, language: str | None) -> str:
    # Dates repeat on every page (booking dates, due dates): formatted once per
    # language (month names are translated).
    return dateformat.format(value, pattern)


def date_formatter(
    format_name: str = "SHORT_DATE_FORMAT",
) -> Callable[[dt.date | None], str]:
    """A function formatting dates as ``format_date`` does, with the locale's
    format looked up once (the statement's rows)."""
    pattern = get_format(format_name)
    language = get_language()

    def format_day(value: dt.date | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return dateformat.format(value, pattern)
        return _date_text(value, pattern, language)

    return format_day


def format_date(value: dt.date | None, format_name: str = "SHORT_DATE_FORMAT") -> str:
    """``value`` in the active locale's ``format_name`` (``14.03.2025`` for
    ``SHORT_DATE_FORMAT`` in Polish, ``14 marca 2025`` for ``DATE_FORMAT``;
    a datetime is shown in its own time zone, so pass a local one). ``None``
    shows as an empty string."""
    return date_formatter(format_name)(value)


# --- The words for a balance --------------------------------------------------------


@dataclass(frozen=True)
class BalanceWords:
    """What a balance is called, the one source of the words on the
    dashboard, the ledger and payments pages, the PDF statement and the CSV.

    ``state`` (``BalanceBreakdown.state``): ``overdue`` (something is past its
    due date: "Zaległość"), ``due`` (only this month's charges not yet due:
    "Do zapłaty do <due date>"), ``credit`` (paid in advance) or ``zero``.
    ``headlines`` are the sentences shown big, most urgent first, each as
    ``(kind, text)`` with kind ``arrears``, ``due``, ``overpayment`` or
    ``zero``; ``figures`` the labelled amounts under them
    (``(label, amount text)``)."""

    state: str
    headlines: list[tuple[str, str]]
    figures: list[tuple[str, str]]
    #: The amounts of ``figures`` as numbers (``(label, Decimal)``; the last
    #: payment is not among them), for spreadsheets.
    amounts: list[tuple[str, Decimal]] = ()


def due_later_label(breakdown) -> str:
    """ "To pay by <date>" for what falls due later this month."""
    due = breakdown.next_due_date
    if due is None:
        return _("To pay later this month")
    return _("To pay by %(date)s") % {"date": format_date(due)}


def balance_words(breakdown, *, monthly_charge: Decimal | None = None) -> BalanceWords:
    """The words for ``breakdown`` (a ``ledger.queries.BalanceBreakdown``):
    what is past its due date is arrears, this month's charges not yet due
    are "to pay by" their due date, and the balance is the balance."""
    fmt = money_formatter()
    state = breakdown.state
    total = breakdown.balance.total
    due_later = due_later_label(breakdown)
    headlines = []
    if state == "overdue":
        headlines.append(
            ("arrears", _("Arrears: %(amount)s") % {"amount": fmt(breakdown.overdue)})
        )
    if state in ("overdue", "due") and breakdown.due_later > 0:
        headlines.append(("due", f"{due_later}: {fmt(breakdown.due_later)}"))
    if state == "credit":
        headlines.append(
            (
                "overpayment",
                _("Overpayment: %(amount)s")
                % {"amount": fmt(breakdown.balance.overpayment)},
            )
        )
    if state == "zero":
        headlines.append(
            (
                "zero",
                _("Balance: %(amount)s – nothing owed and nothing overpaid")
                % {"amount": fmt(total)},
            )
        )
    # Arrears and what falls due later are named only when there are any:
    # "Zaległość 0,00 zł" would still read as a reproach.
    amounts = [(_("Balance as of today"), total)]
    if breakdown.overdue > 0:
        amounts.append((_("Arrears (past the due date)"), breakdown.overdue))
    if breakdown.due_later > 0:
        amounts.append((due_later, breakdown.due_later))
    if monthly_charge not in (None, ""):
        amounts.append((_("Current monthly charge"), monthly_charge))
    figures = [(label, fmt(value)) for label, value in amounts]
    payment = breakdown.last_payment
    # The date goes with the label, so the amount column stays narrow (phones).
    figures.append(
        (
            _("Last payment, %(date)s") % {"date": format_date(payment.booking_date)},
            fmt(payment.amount),
        )
        if payment
        else (_("Last payment"), _("none recorded"))
    )
    return BalanceWords(state, headlines, figures, amounts)


def format_share(value: Decimal | None) -> str:
    """A share in a housing community's common property as a fraction and a
    percentage: ``0.0602000`` → ``0,0602 (6,02%)``. ``None``: empty."""
    if value is None:
        return ""
    percent = (Decimal(value) * 100).quantize(Decimal("0.01"))
    return f"{format_quantity(value)} ({format_quantity(percent)}%)"
