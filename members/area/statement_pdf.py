"""The ledger statement of a unit as a PDF (``ledger.pdf``): the letterhead of
whoever the owner pays (the cooperative, or the housing community for a
community's unit: ``qr.recipient_for``), the resident and unit, the opening
balance, the entries, the closing balance, then the balance as of today as
the dashboard shows it: closing balance + entries booked after the period +
this month's charges not booked yet (the §III.4 simulation) = the balance.
The §III.4 and §III.6 notes close it.

Built from the same ``LedgerPage`` as the ledger page, its CSV and the print
view (``ledger.queries.unit_ledger``), with every entry (unpaginated).
"""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ledger.formatting import balance_words, format_date, money_formatter
from ledger.pdf import Column, Document, Letterhead, Table

from . import display
from .qr import Recipient


def letterhead(recipient: Recipient, *, manager: str = "") -> Letterhead:
    """The letterhead of ``recipient``: its name, address, NIP and, for a
    housing community, who manages it."""
    lines = list(recipient.address_lines)
    extra = []
    if recipient.nip:
        extra.append(_("NIP %(nip)s") % {"nip": recipient.nip})
    if recipient.account:
        extra.append(
            _("account for payments %(account)s")
            % {"account": recipient.account_display}
        )
    if extra:
        lines.append(" · ".join(extra))
    if recipient.is_community and manager:
        lines.append(_("managed by %(manager)s") % {"manager": manager})
    return Letterhead(recipient.name, lines)


def entry_text(entry, texts) -> str:
    """An entry's title and details as on the ledger page (without pairs)."""
    title = texts.kinds.get(entry.kind, entry.kind)
    if entry.component_name:
        title += f": {entry.component_name}"
    details = display.entry_details(entry, texts)
    return f"{title} {details}".strip()


def statement_pdf(ledger, *, party, recipient: Recipient, manager: str, printed_at):
    """The PDF (bytes) of ``ledger`` (a ``ledger.queries.LedgerPage`` of the
    party's unit, unpaginated)."""
    summary = ledger.summary
    unit = summary.unit
    breakdown = summary.breakdown
    fmt = money_formatter()
    title = _("Statement of the ledger: %(unit)s") % {"unit": unit}
    document = Document(
        title=title,
        letterhead=letterhead(recipient, manager=manager),
        footer=_("IOK – printed on %(when)s")
        % {"when": format_date(printed_at, "SHORT_DATETIME_FORMAT")},
        page_label=_("Page %(page)s of %(pages)s"),
        language=get_language() or "pl",
    )
    document.heading(title)
    document.figures(
        [
            (_("Account holder"), f"{party.name} ({party.number})"),
            (_("Unit"), f"{unit} ({unit.code})"),
            (
                _("Period"),
                f"{format_date(ledger.date_from)} – {format_date(ledger.date_to)}",
            ),
        ]
    )

    # The entries, between the opening and the closing balance.
    texts = display.row_texts()
    columns = [
        Column(_("Date"), 1.4),
        Column(_("Entry"), 5.0),
        Column(_("Debit (owed)"), 1.6, "RIGHT"),
        Column(_("Credit (paid)"), 1.6, "RIGHT"),
    ]
    running = ledger.shows_running_balance
    if running:
        columns.append(Column(_("Balance"), 1.7, "RIGHT"))
    table = Table(columns)
    if running:
        table.rows.append(
            [
                format_date(ledger.date_from),
                _("Opening balance"),
                "",
                "",
                fmt(ledger.opening_balance),
            ]
        )
        table.strong_rows.add(0)
    for entry in ledger.entries:
        row = [
            format_date(entry.booking_date),
            entry_text(entry, texts),
            fmt(entry.debit),
            fmt(entry.credit),
        ]
        if running:
            row.append(fmt(entry.running_balance))
        table.rows.append(row)
    if not ledger.entries:
        table.rows.append(
            ["", _("No entries in this period."), "", ""] + ([""] if running else [])
        )
    if running:
        table.rows.append(
            [
                format_date(ledger.date_to),
                _("Closing balance on %(end)s (booked entries)")
                % {"end": format_date(ledger.date_to)},
                "",
                "",
                fmt(ledger.closing_balance),
            ]
        )
        table.strong_rows.add(len(table.rows) - 1)
    else:
        table.rows.append(
            ["", _("Total of the entries listed"), "", fmt(ledger.period_total)]
        )
        table.strong_rows.add(len(table.rows) - 1)
    document.heading(_("Entries"), level=2)
    document.table(table)

    # From the closing balance to the balance shown on the screen today.
    document.heading(
        _("Balance as of %(day)s") % {"day": format_date(breakdown.balance.as_of)},
        level=2,
    )
    simulated = [charge for charge in breakdown.month_charges if charge.simulated]
    later = breakdown.balance.booked - ledger.closing_balance
    block = Table(
        [
            Column(_("Item"), 6.0),
            Column(_("Due date"), 1.6),
            Column(_("Amount"), 1.8, "RIGHT"),
        ]
    )
    block.rows.append(
        [
            _("Closing balance on %(end)s (booked entries)")
            % {"end": format_date(ledger.date_to)},
            "",
            fmt(ledger.closing_balance),
        ]
    )
    if ledger.date_to < breakdown.balance.as_of:
        block.rows.append(
            [
                _("Entries booked after %(end)s")
                % {"end": format_date(ledger.date_to)},
                "",
                fmt(later),
            ]
        )
    for charge in simulated:
        name = charge.component.name if charge.component else _("other charges")
        block.rows.append(
            [
                _("%(component)s: this month, not booked yet (§III.4)")
                % {"component": name},
                format_date(charge.due_date),
                fmt(-charge.amount),
            ]
        )
    block.rows.append([_("Balance as of today"), "", fmt(breakdown.balance.total)])
    block.strong_rows.update({0, len(block.rows) - 1})
    document.table(block)

    words = balance_words(breakdown, monthly_charge=summary.monthly_charge)
    for _kind, headline in words.headlines:
        document.paragraph(headline, bold=True, size=10)
    document.figures(words.figures[1:])

    # The notes of the rules.
    document.paragraph(
        _(
            "The balance is shown as of today, %(day)s, and already includes this "
            "month's charges even if their due date has not passed yet (a "
            '"simulation", §III.4 of the rules). It may not yet include recent '
            "payments, corrections for a change in the number of residents or water "
            "norms, media settlements or late-payment interest."
        )
        % {"day": format_date(breakdown.balance.as_of)},
        size=7,
    )
    document.paragraph(
        _(
            "The information shown in IOK cannot be the sole basis of claims against "
            "the cooperative (§III.6 of the rules)."
        ),
        size=7,
    )
    estate = summary.estate
    document.paragraph(
        _(
            "If the balance does not match your records, report it to %(office)s, "
            "which serves this unit (§III.5 of the rules)."
        )
        % {"office": estate.office_name or estate.name},
        size=7,
    )
    return document.to_bytes()
