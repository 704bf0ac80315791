"""The ledger page of a unit: statement with opening and running balance,
filters, this month's breakdown, the §III.6 disclaimer and §III.5 pointer,
CSV download safe for spreadsheets, and the printable statement."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.urls import reverse

import pytest
import time_machine

from ledger.csv_writer import safe_text as csv_safe
from ledger.models import EntrySettlement, LedgerEntry
from members.area.forms import LedgerFilterForm
from tests.area.conftest import NOON, book_month
from tests.factories import LedgerEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(resident):
    unit = resident.party.rights.get().unit
    book_month(unit, dt.date(2024, 12, 1), paid=Decimal("530.00"))
    book_month(unit, dt.date(2025, 1, 1), paid=Decimal("500.00"))
    return unit


def get(client, unit, name="ledger", **params):
    with time_machine.travel(NOON, tick=False):
        return client.get(reverse(f"members:{name}", args=[unit.pk]), params)


def test_statement_has_opening_running_and_closing_balance(resident_client, unit):
    response = get(resident_client, unit, rok="2025")
    ledger = response.context["ledger"]
    # Before 2025: December charged 530 and paid 530 → 0; January: 530 charged,
    # 500 paid; February: paid in full.
    assert ledger.opening_balance == Decimal("0.00")
    assert ledger.closing_balance == Decimal("-30.00")
    assert [e.running_balance for e in ledger.entries][-1] == Decimal("-30.00")
    html = response.content.decode()
    assert "Saldo początkowe" in html
    assert "Saldo na 15.03.2025 (operacje zaksięgowane)" in html
    # The balance as of today adds March's unbooked charges (simulation).
    assert response.context["breakdown"].balance.total == Decimal("-560.00")


def test_filters_by_month_and_kind(resident_client, unit):
    month = get(resident_client, unit, rok="2025", miesiac="1").context["ledger"]
    assert {e.booking_date.month for e in month.entries} == {1}
    assert month.count == 4
    payments = get(resident_client, unit, rok="2024", rodzaj="payment")
    ledger = payments.context["ledger"]
    assert [e.amount for e in ledger.entries] == [Decimal("530.00")]
    assert "Saldo po każdej operacji jest widoczne" in payments.content.decode()


def test_invalid_filters_fall_back_to_the_last_twelve_months(resident_client, unit):
    ledger = get(resident_client, unit, rok="1800", rodzaj="<script>").context["ledger"]
    assert ledger.date_from == dt.date(2024, 3, 16)
    assert ledger.date_to == dt.date(2025, 3, 15)


@pytest.mark.parametrize(
    ("today", "first_day"),
    [
        # In December the old filter started on 1 January: one year, not twelve
        # months back (issue 14, item 4).
        (dt.date(2026, 12, 7), dt.date(2025, 12, 8)),
        (dt.date(2025, 1, 1), dt.date(2024, 1, 2)),
        (dt.date(2024, 2, 29), dt.date(2023, 3, 1)),
    ],
)
def test_last_twelve_months_are_twelve_months_back_from_today(today, first_day):
    form = LedgerFilterForm({}, years=[today.year], today=today)
    date_from, date_to, kind, page = form.period()
    assert (date_from, date_to, kind, page) == (first_day, today, None, 1)


def test_this_months_breakdown_shows_simulated_components(resident_client, unit):
    html = get(resident_client, unit).content.decode()
    assert "Opłaty za marzec 2025 według składników" in html
    assert "według wymiaru opłat, jeszcze niezaksięgowane" in html
    for name in ("Eksploatacja", "Fundusz remontowy", "Zimna woda"):
        assert name in html
    assert "530,00\xa0zł" in html


def test_every_ledger_page_has_the_disclaimer_and_the_estate_office(
    resident_client, unit
):
    estate = unit.building.estate
    for name in ("ledger", "ledger-print"):
        html = get(resident_client, unit, name).content.decode()
        assert "nie mogą stanowić wyłącznej podstawy roszczeń" in html, name
        assert "§III.6" in html and "§III.5" in html
        assert estate.office_name in html
        assert estate.office_email in html


def test_payment_charge_pairs_are_shown(resident_client, unit):
    payment = LedgerEntry.objects.get(
        unit=unit, kind="payment", booking_date=dt.date(2025, 1, 8)
    )
    charge = LedgerEntry.objects.get(
        unit=unit, kind="charge", booking_date=dt.date(2025, 1, 1), amount=-300
    )
    EntrySettlement.objects.create(payment=payment, charge=charge, amount=300)
    html = get(resident_client, unit, rok="2025", miesiac="1").content.decode()
    assert "rozliczyła naliczenie z 01.01.2025 (Eksploatacja): 300,00\xa0zł" in html
    assert "rozliczone wpłatą z 08.01.2025: 300,00\xa0zł" in html


def test_pages_of_a_long_statement_continue_the_running_balance(resident_client, unit):
    month = dt.date(2023, 1, 1)
    while month < dt.date(2024, 1, 1):
        book_month(unit, month, paid=Decimal("500.00"))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    for day in range(1, 6):
        LedgerEntryFactory(
            unit=unit,
            kind=LedgerEntry.Kind.CORRECTION,
            amount=Decimal("2.00"),
            booking_date=dt.date(2023, 12, 20 + day),
        )
    first = get(resident_client, unit, rok="2023").context["ledger"]
    second = get(resident_client, unit, rok="2023", strona="2").context["ledger"]
    assert (first.count, first.num_pages, len(first.entries)) == (53, 2, 50)
    assert (second.page, len(second.entries)) == (2, 3)
    last = first.entries[-1].running_balance
    assert second.entries[0].running_balance == last + second.entries[0].amount
    # 12 × (500 − 530) + 5 × 2
    assert second.entries[-1].running_balance == Decimal("-350.00")


def test_csv_download_is_a_polish_spreadsheet(resident_client, unit):
    response = get(resident_client, unit, "ledger-csv", rok="2025")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][0] == "Data księgowania"
    assert rows[1][3] == "Saldo początkowe"
    closing = [row for row in rows if row[3] == "Saldo końcowe"]
    assert closing[0][-1] == "-30,00"
    assert any(row[7] == "300,00" for row in rows[2:-1])  # debit, no sign
    # Then today's balance in the words of every page: March's charges, not
    # booked yet, make the closing balance the balance of the dashboard.
    after = rows[rows.index(closing[0]) + 1 :]
    simulated = [row for row in after if "jeszcze niezaksięgowana" in row[3]]
    assert [row[7] for row in simulated] == ["300,00", "150,00", "80,00"]
    figures = {row[3]: row[-1] for row in after if row not in simulated}
    assert figures["Saldo na dziś"] == "-560,00"
    assert "Zaległość (po terminie płatności)" in figures


def test_csv_cells_cannot_run_as_formulas(resident_client, unit):
    LedgerEntryFactory(
        unit=unit,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("1.00"),
        booking_date=dt.date(2025, 3, 2),
        document_number='=HYPERLINK("http://evil","x")',
        description="+cmd|' /C calc'!A0",
    )
    LedgerEntryFactory(
        unit=unit,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("1.00"),
        booking_date=dt.date(2025, 3, 3),
        document_number="@SUM(1+1)",
        description="-2+3",
    )
    text = get(resident_client, unit, "ledger-csv", rok="2025").content.decode()
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil","x")' in cells
    assert "'+cmd|' /C calc'!A0" in cells
    assert "'@SUM(1+1)" in cells
    assert "'-2+3" in cells
    for cell in cells:
        if cell[:1] in ("=", "+", "@"):
            pytest.fail(f"formula-like cell left as is: {cell!r}")
        if cell.startswith("-"):
            # Only the portal's own numbers may start with a minus.
            assert cell.replace("-", "", 1).replace(",", "").isdigit(), cell


def test_csv_safe_neutralises_every_formula_prefix():
    for value in ("=1+1", "+1", "-1+1", "@A1", "\t=1", "\r=1"):
        assert csv_safe(value).startswith("'")
    assert csv_safe("Zwykły opis") == "Zwykły opis"


def test_print_view_lists_the_whole_period_for_the_print_stylesheet(
    resident_client, unit
):
    response = get(resident_client, unit, "ledger-print", rok="2025")
    html = response.content.decode()
    ledger = response.context["ledger"]
    assert ledger.count == len(ledger.entries)
    assert "Zestawienie z kartoteki finansowej" in html
    assert "members/css/area.css" in html
    assert "data-print hidden" in html


def test_texts_from_the_accounting_system_are_escaped(resident_client, unit):
    LedgerEntryFactory(
        unit=unit,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("5.00"),
        booking_date=dt.date(2025, 3, 4),
        document_number="<b>DOK</b>",
        description='<script>alert("x")</script>',
    )
    html = get(resident_client, unit).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;DOK&lt;/b&gt;" in html
