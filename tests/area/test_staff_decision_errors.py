"""Staff decisions in "Residents' matters" that cannot be saved end on the form
with a clear message, never with a database error or a 500, and change nothing:
a report marked answered without an answer, and a record another member of
staff decided a moment earlier (two people sending the same form at once)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

import pytest

from ledger import services as ledger_services
from ledger.models import MeterReading
from members.area import services
from members.models import ContactChangeRequest, DiscrepancyReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(resident):
    return resident.party.rights.get().unit


@pytest.fixture
def other_staff(django_user_model):
    return django_user_model.objects.create_user(
        username="other-staff", password="Other12345!", is_staff=True
    )


@pytest.fixture
def report(resident, unit):
    return DiscrepancyReport.objects.create(
        unit=unit, party=resident.party, reporter=resident, message="Brak wpłaty."
    )


def test_answered_without_an_answer_is_refused_on_the_answer_field(
    staff_client, report
):
    url = reverse("members_discrepancyreport_modeladmin_edit", args=[report.pk])
    response = staff_client.post(url, {"status": "answered", "answer": "  "})

    assert response.status_code == 200, "the form should be shown again"
    html = response.content.decode()
    assert response.context["form"].errors == {
        "answer": ["Wpisz odpowiedź dla mieszkańca."]
    }
    assert "members_report_answered_has_answer" not in html
    assert "Ograniczenie" not in html
    report.refresh_from_db()
    assert (report.status, report.answer, report.answered_at) == ("new", "", None)


def race(monkeypatch, module, name, **first):
    """Make ``module.name`` first run with ``first`` (another member of staff
    deciding the same record, from their own copy) just before the real call."""
    service = getattr(module, name)

    def raced(**kwargs):
        service(**first)
        return service(**kwargs)

    monkeypatch.setattr(module, name, raced)


def edit(client, model: str, pk: int, data: dict) -> str:
    """Send the admin edit form; the page shown again, as text."""
    url = reverse(f"members_{model}_modeladmin_edit", args=[pk])
    response = client.post(url, data)
    assert response.status_code == 200, "the form should be shown again"
    return response.content.decode()


def test_a_report_answered_by_someone_else_meanwhile_is_not_overwritten(
    staff_client, other_staff, report, monkeypatch
):
    race(
        monkeypatch,
        services,
        "discrepancy_report_answer",
        report=DiscrepancyReport.objects.get(pk=report.pk),
        staff_user=other_staff,
        status="answered",
        answer="Odpowiedź kolegi.",
    )
    html = edit(
        staff_client,
        "discrepancyreport",
        report.pk,
        {"status": "answered", "answer": "Moja."},
    )

    assert "Ktoś inny przed chwilą odpowiedział na to zgłoszenie" in html
    report.refresh_from_db()
    assert (report.answer, report.answered_by) == ("Odpowiedź kolegi.", other_staff)


def test_a_contact_change_decided_by_someone_else_meanwhile_is_left_alone(
    staff_client, other_staff, resident, monkeypatch
):
    change = ContactChangeRequest.objects.create(
        party=resident.party, requested_by=resident, phone="600 700 800"
    )
    phone_before = resident.party.phone
    race(
        monkeypatch,
        services,
        "contact_change_request_decide",
        change=ContactChangeRequest.objects.get(pk=change.pk),
        staff_user=other_staff,
        confirm=False,
        note="Odrzucone przez kolegę.",
    )
    html = edit(
        staff_client,
        "contactchangerequest",
        change.pk,
        {"decision": "confirm", "staff_note": "OK"},
    )

    assert "Ta prośba została już rozpatrzona" in html
    change.refresh_from_db()
    assert (change.status, change.confirmed_by, change.staff_note) == (
        ContactChangeRequest.Status.REJECTED,
        other_staff,
        "Odrzucone przez kolegę.",
    )
    resident.party.refresh_from_db()
    assert resident.party.phone == phone_before


def test_a_reading_reviewed_by_someone_else_meanwhile_is_left_alone(
    staff_client, resident, monkeypatch
):
    reading = ledger_services.meter_reading_submit(
        party=resident.party,
        meter=resident.party.rights.get().unit.meters.get(),
        reading_date=dt.date(2025, 3, 10),
        value=Decimal("30"),
        user=resident,
    )
    race(
        monkeypatch,
        ledger_services,
        "meter_reading_review",
        reading=MeterReading.objects.get(pk=reading.pk),
        accept=False,
        note="Nieczytelne.",
    )
    html = edit(
        staff_client,
        "residentmeterreading",
        reading.pk,
        {"decision": "accept", "review_note": "OK"},
    )

    assert "Ten odczyt został już rozpatrzony" in html
    reading.refresh_from_db()
    assert (reading.status, reading.review_note) == ("rejected", "Nieczytelne.")
