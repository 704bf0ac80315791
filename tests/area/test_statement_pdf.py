"""The statement as a PDF (issue 14, item 5): its text, extracted with pypdf,
has the letterhead, the unit, the opening and closing balances, and this
month's simulated charges whose sum with the closing balance is the balance
the dashboard shows. Served privately, to the unit's holder only."""

import datetime as dt
import io
import re
from decimal import Decimal

from django.urls import reverse

import pytest
import time_machine
from pypdf import PdfReader

from cms.models import SiteSettings
from ledger.models import Unit
from ledger.validators import make_nrb
from tests.area.conftest import NOON, book_month, make_resident

pytestmark = pytest.mark.django_db


@pytest.fixture
def cooperative(db):
    row = SiteSettings.load()
    row.cooperative_name = "Spółdzielnia Mieszkaniowa „Nadodrze”"
    row.address = "ul. Ozimska 10\n45-058 Opole"
    row.nip = "5261040828"
    row.save()
    return row


def pdf_text(response) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(response.content))
    # Words on one line each, whitespace as single spaces.
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return text, len(reader.pages)


def amount(text: str) -> Decimal:
    """``-1 234,56 zł`` → Decimal."""
    digits = re.sub(r"[^\d,-]", "", text).replace(",", ".")
    return Decimal(digits)


def get(client, unit, **params):
    with time_machine.travel(NOON, tick=False):
        return client.get(reverse("members:ledger-pdf", args=[unit.pk]), params)


def test_the_pdf_reconciles_with_the_dashboard(resident_client, resident, cooperative):
    unit = resident.party.rights.get().unit
    response = get(resident_client, unit)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    cache = response["Cache-Control"]
    assert "private" in cache and "no-store" in cache
    text, pages = pdf_text(response)
    assert pages == 1
    assert "Spółdzielnia Mieszkaniowa „Nadodrze”" in text
    assert "ul. Ozimska 10" in text and "NIP 5261040828" in text
    assert str(unit) in text and unit.code in text
    assert "Anna Alfa (500001)" in text
    assert "Saldo początkowe" in text
    assert "Strona 1 z 1" in text
    assert "§III.4" in text and "§III.6" in text

    closing = re.search(
        r"Saldo na 15\.03\.2025 \(operacje zaksięgowane\) (-?[\d ,]+zł)", text
    )
    assert closing, text
    closing_balance = amount(closing.group(1))
    simulated = [
        amount(found)
        for found in re.findall(
            r": bieżący miesiąc, niezaksięgowane \(§III\.4\) "
            r"10\.03\.2025 (-?[\d ,]+zł)",
            text,
        )
    ]
    assert sorted(simulated) == [
        Decimal("-300.00"),
        Decimal("-150.00"),
        Decimal("-80.00"),
    ]
    # The dashboard's balance is the closing balance plus the simulated charges.
    with time_machine.travel(NOON, tick=False):
        dashboard = resident_client.get(reverse("members:dashboard"))
    (summary,) = dashboard.context["summaries"]
    assert closing_balance + sum(simulated) == summary.balance.total
    today = re.search(r"Saldo na dziś (-?[\d ,]+zł)", text)
    assert amount(today.group(1)) == summary.balance.total == Decimal("-530.00")


def test_a_community_units_pdf_has_the_communitys_letterhead(
    db, client, django_user_model, cooperative
):
    user, _party, (unit,) = make_resident(
        django_user_model,
        number="500078",
        name="Olga Właścicielka",
        zone=Unit.Zone.COMMUNITY,
    )
    community = unit.building.community
    community.name = "Wspólnota Mieszkaniowa Kossaka 12"
    community.address = "ul. Kossaka 12, 45-221 Opole"
    community.nip = "7543001013"
    community.bank_account = make_nrb("124015870000000000000100")
    community.save()
    book_month(unit, dt.date(2025, 2, 1), paid=Decimal("530.00"))
    client.force_login(user)
    text, _pages = pdf_text(get(client, unit))
    assert text.startswith("Wspólnota Mieszkaniowa Kossaka 12")
    assert "NIP 7543001013" in text
    assert "zarządca: Spółdzielnia Mieszkaniowa „Nadodrze”" in text


def test_another_residents_unit_is_a_404(resident_client, other_resident):
    _user, other_unit, _loan, _meter = other_resident
    response = get(resident_client, other_unit)
    assert response.status_code == 404
    assert b"%PDF" not in response.content


def test_a_months_statement_is_one_page_and_a_years_stays_short(
    resident_client, resident, cooperative
):
    unit = resident.party.rights.get().unit
    for month in range(1, 13):
        book_month(unit, dt.date(2024, month, 1), paid=Decimal("530.00"))
    text, pages = pdf_text(get(resident_client, unit, rok="2024", miesiac="6"))
    assert pages == 1
    assert "Saldo na 30.06.2024 (operacje zaksięgowane)" in text
    text, pages = pdf_text(get(resident_client, unit, rok="2024"))
    assert pages <= 3  # 48 entries; the browser's print took 12 pages
    assert "Saldo na 31.12.2024 (operacje zaksięgowane)" in text
    # Entries after the period bring the closing balance to today's balance.
    assert "Zaksięgowano po 31.12.2024" in text
