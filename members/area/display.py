"""HTML for the statement's rows, built in Python.

A statement page has up to fifty rows, each with dates, amounts, the entry's
description and its payment–charge pairs. Written as template tags that is a
few thousand tag evaluations per page (most of the page's cost); here it is one
``format_html`` per row, with the same translated texts. Everything that comes
from the data is escaped by ``format_html``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import get_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ledger.models import LedgerEntry


def money_formatter():
    """A function formatting amounts like ``ledger.formatting.format_money``
    (``1 234,56 zł``, the active locale's separators, always grouped), with
    the separators looked up once per page rather than once per amount."""
    decimal_sep = get_format("DECIMAL_SEPARATOR")
    thousand_sep = get_format("THOUSAND_SEPARATOR")
    if thousand_sep == " ":
        thousand_sep = "\xa0"

    def money(value) -> str:
        if value is None:
            return ""
        text = f"{Decimal(value):,.2f}"
        return (
            text.replace(",", "\x00")
            .replace(".", decimal_sep)
            .replace("\x00", thousand_sep)
            + "\xa0zł"
        )

    return money


def select_html(field, choices, selected) -> SafeString:
    """A ``<select>`` for one of the filter form's fields, without the
    template engine (Django renders each option through a template)."""
    selected = "" if selected in (None, "") else str(selected)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == selected else "", label)
            for value, label in choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}">{}</select>', field.html_name, field.auto_id, options
    )


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _pairs(entry, format_money) -> str:
    pairs = entry.pairs
    if not pairs:
        return ""
    if entry.kind == LedgerEntry.Kind.PAYMENT:
        texts = [
            _("settled the charge of %(date)s (%(what)s): %(amount)s")
            % {
                "date": _day(pair.other.booking_date),
                "what": pair.other.label,
                "amount": format_money(pair.amount),
            }
            for pair in pairs
        ]
    else:
        texts = [
            _("settled by the payment of %(date)s: %(amount)s")
            % {
                "date": _day(pair.other.booking_date),
                "amount": format_money(pair.amount),
            }
            for pair in pairs
        ]
    items = "".join(f"<li>{escape(text)}</li>" for text in texts)
    return f'<ul class="pairing">{items}</ul>'


def _details(entry) -> str:
    parts = []
    if entry.kind == LedgerEntry.Kind.CHARGE:
        inner = _("for %(period)s") % {"period": entry.period.strftime("%m.%Y")}
        if entry.due_date:
            inner += ", " + _("due %(due)s") % {"due": _day(entry.due_date)}
        parts.append(f"({inner})")
    if entry.document_number:
        parts.append(entry.document_number)
    if entry.description:
        parts.append(entry.description)
    return " ".join(parts)


def statement_rows(ledger) -> SafeString:
    """The ``<tr>`` rows of a ledger page's entries (see
    includes/statement_table.html for the columns). Every text from the data
    goes through ``escape``."""
    format_money = money_formatter()
    kinds = {
        value: str(label).capitalize() for value, label in LedgerEntry.Kind.choices
    }
    running = ledger.shows_running_balance
    rows = []
    for entry in ledger.entries:
        title = kinds.get(entry.kind, entry.kind)
        if entry.component_name:
            title += f": {entry.component_name}"
        balance = (
            f'<td class="num">{format_money(entry.running_balance)}</td>'
            if running
            else ""
        )
        rows.append(
            f"<tr><td>{_day(entry.booking_date)}</td>"
            f'<td>{escape(title)} <span class="muted">{escape(_details(entry))}</span>'
            f"{_pairs(entry, format_money)}</td>"
            f'<td class="num">{format_money(entry.debit)}</td>'
            f'<td class="num">{format_money(entry.credit)}</td>{balance}</tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - data escaped above
