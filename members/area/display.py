"""HTML for the statement's rows, built in Python.

A statement page has up to fifty rows, each with dates, amounts, the entry's
description and its payment–charge pairs. Written as template tags that is a
few thousand tag evaluations per page (most of the page's cost); here it is one
``format_html`` per row, with the same translated texts. Everything that comes
from the data is escaped by ``format_html``.
"""

from __future__ import annotations

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ledger.formatting import date_formatter, money_formatter
from ledger.models import LedgerEntry

# Rendered filter selects by (language, field, choices key, selected value):
# the same few dozen on every ledger page. Bounded: cleared when it grows.
_SELECTS: dict[tuple, SafeString] = {}
_SELECTS_MAX = 2048


def cached_select_html(field, selected, *, choices_key) -> SafeString:
    """``select_html`` for a form field, kept per language, field, choices
    (``choices_key`` stands for them: equal keys, equal choices) and selected
    value, so a ledger page does not translate and escape every option."""
    key = (get_language(), field.html_name, choices_key, str(selected))
    html = _SELECTS.get(key)
    if html is None:
        if len(_SELECTS) >= _SELECTS_MAX:
            _SELECTS.clear()
        html = _SELECTS[key] = select_html(field, field.field.choices, selected)
    return html


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


class _Texts:
    """The translated phrases and the date formats of the statement's rows,
    looked up once per page rather than once per row."""

    def __init__(self):
        self.day = date_formatter("SHORT_DATE_FORMAT")
        self.month = date_formatter("m.Y")
        self.kinds = {
            value: str(label).capitalize() for value, label in LedgerEntry.Kind.choices
        }
        self.settled_charge = _("settled the charge of %(date)s (%(what)s): %(amount)s")
        self.settled_by = _("settled by the payment of %(date)s: %(amount)s")
        self.period = _("for %(period)s")
        self.due = _("due %(due)s")


def _pairs(entry, format_money, texts: _Texts) -> str:
    pairs = entry.pairs
    if not pairs:
        return ""
    if entry.kind == LedgerEntry.Kind.PAYMENT:
        items = [
            texts.settled_charge
            % {
                "date": texts.day(pair.other.booking_date),
                "what": pair.other.label,
                "amount": format_money(pair.amount),
            }
            for pair in pairs
        ]
    else:
        items = [
            texts.settled_by
            % {
                "date": texts.day(pair.other.booking_date),
                "amount": format_money(pair.amount),
            }
            for pair in pairs
        ]
    return (
        '<ul class="pairing">'
        + "".join(f"<li>{escape(item)}</li>" for item in items)
        + "</ul>"
    )


def row_texts() -> _Texts:
    """The translated phrases of the statement's rows (the PDF uses them too)."""
    return _Texts()


def entry_details(entry, texts: _Texts) -> str:
    """An entry's period, due date, document and description, as one text."""
    return _details(entry, texts)


def _details(entry, texts: _Texts) -> str:
    parts = []
    if entry.kind == LedgerEntry.Kind.CHARGE:
        inner = texts.period % {"period": texts.month(entry.period)}
        if entry.due_date:
            inner += ", " + texts.due % {"due": texts.day(entry.due_date)}
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
    texts = _Texts()
    kinds = texts.kinds
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
        details = escape(_details(entry, texts))
        rows.append(
            f"<tr><td>{texts.day(entry.booking_date)}</td>"
            f'<td>{escape(title)} <span class="muted">{details}</span>'
            f"{_pairs(entry, format_money, texts)}</td>"
            f'<td class="num">{format_money(entry.debit)}</td>'
            f'<td class="num">{format_money(entry.credit)}</td>{balance}</tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - data escaped above
