"""WCAG H43 on the ledger's total rows (issue 14, point 10): a total cell that
spans or sits under a row header names its headers with ``headers``, and every
name points at a header cell of the same page."""

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse

import pytest
import time_machine

from tests.area.conftest import NOON, book_month

pytestmark = pytest.mark.django_db


def header_ids(html: str) -> set[str]:
    return set(re.findall(r'<th[^>]*\sid="([^"]+)"', html))


def test_closing_balance_and_month_total_name_their_headers(resident_client, resident):
    unit = resident.party.rights.get().unit
    book_month(unit, dt.date(2025, 1, 1), paid=Decimal("500.00"))
    with time_machine.travel(NOON, tick=False):
        html = resident_client.get(reverse("members:ledger", args=[unit.pk])).content
    html = html.decode()
    ids = header_ids(html)
    assert 'headers="statement-closing statement-balance"' in html
    assert 'headers="month-total month-amount"' in html
    for value in re.findall(r'\sheaders="([^"]+)"', html):
        assert set(value.split()) <= ids, value


def test_the_total_of_a_filtered_statement_names_debit_and_credit(
    resident_client, resident
):
    unit = resident.party.rights.get().unit
    book_month(unit, dt.date(2025, 1, 1), paid=Decimal("500.00"))
    with time_machine.travel(NOON, tick=False):
        response = resident_client.get(
            reverse("members:ledger", args=[unit.pk]), {"rodzaj": "payment"}
        )
    html = response.content.decode()
    assert 'headers="statement-total statement-debit statement-credit"' in html
    assert {"statement-total", "statement-debit", "statement-credit"} <= header_ids(
        html
    )
