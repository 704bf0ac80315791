"""Staff decisions in "Residents' matters" that cannot be saved end on the form
with a clear message, never with a database error or a 500, and change nothing:
a report marked answered without an answer, and a record another member of
staff decided while the form was open (two people deciding the same record:
staff A opens the form, staff B decides in their own session, then A sends)."""

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.urls import reverse

import pytest

from ledger import services as ledger_services
from members.models import ContactChangeRequest, DiscrepancyReport
from tests.conftest import log_in_verified_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(resident):
    return resident.party.rights.get().unit


@pytest.fixture
def other_staff(django_user_model):
    return django_user_model.objects.create_superuser(
        username="other-staff", password="Other12345!", email="other@example.org"
    )


@pytest.fixture
def other_client(other_staff):
    """The other member of staff, in their own browser session."""
    return log_in_verified_staff(Client(), other_staff)


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
        "answer": ["Prosimy wpisać odpowiedź dla mieszkańca."]
    }
    assert "members_report_answered_has_answer" not in html
    assert "Ograniczenie" not in html
    report.refresh_from_db()
    assert (report.status, report.answer, report.answered_at) == ("new", "", None)


def edit_url(model: str, pk: int) -> str:
    return reverse(f"members_{model}_modeladmin_edit", args=[pk])


def open_form(client, model: str, pk: int) -> dict:
    """Open the edit form; what the browser would send back unchanged (the
    hidden fields)."""
    response = client.get(edit_url(model, pk))
    assert response.status_code == 200
    form = response.context["form"]
    return {field.name: field.value() for field in form.hidden_fields()}


def send(client, model: str, pk: int, data: dict):
    return client.post(edit_url(model, pk), data)


def test_a_report_answered_by_someone_else_meanwhile_is_not_overwritten(
    staff_client, other_client, other_staff, report
):
    hidden = open_form(staff_client, "discrepancyreport", report.pk)
    answered = send(
        other_client,
        "discrepancyreport",
        report.pk,
        {
            **open_form(other_client, "discrepancyreport", report.pk),
            "status": "answered",
            "answer": "Odpowiedź kolegi.",
        },
    )
    assert answered.status_code == 302

    response = send(
        staff_client,
        "discrepancyreport",
        report.pk,
        {**hidden, "status": "answered", "answer": "Moja."},
    )

    assert response.status_code == 200, "the form should be shown again"
    assert "Ktoś inny przed chwilą odpowiedział na to zgłoszenie" in (
        response.content.decode()
    )
    report.refresh_from_db()
    assert (report.answer, report.answered_by) == ("Odpowiedź kolegi.", other_staff)


def test_a_report_answered_in_one_session_can_be_answered_again_afterwards(
    staff_client, other_client, report
):
    """The check compares with what the sender saw: a form opened after the
    first answer replaces it."""
    send(
        other_client,
        "discrepancyreport",
        report.pk,
        {
            **open_form(other_client, "discrepancyreport", report.pk),
            "status": "answered",
            "answer": "Pierwsza.",
        },
    )
    response = send(
        staff_client,
        "discrepancyreport",
        report.pk,
        {
            **open_form(staff_client, "discrepancyreport", report.pk),
            "status": "answered",
            "answer": "Poprawiona.",
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.answer == "Poprawiona."


def test_a_contact_change_decided_by_someone_else_meanwhile_is_left_alone(
    staff_client, other_client, other_staff, resident
):
    change = ContactChangeRequest.objects.create(
        party=resident.party, requested_by=resident, phone="600 700 800"
    )
    phone_before = resident.party.phone
    hidden = open_form(staff_client, "contactchangerequest", change.pk)
    rejected = send(
        other_client,
        "contactchangerequest",
        change.pk,
        {
            **open_form(other_client, "contactchangerequest", change.pk),
            "decision": "reject",
            "staff_note": "Odrzucone przez kolegę.",
        },
    )
    assert rejected.status_code == 302

    response = send(
        staff_client,
        "contactchangerequest",
        change.pk,
        {**hidden, "decision": "confirm", "staff_note": "OK"},
    )

    assert response.status_code == 200, "the form should be shown again"
    assert "Ta prośba została już rozpatrzona" in response.content.decode()
    change.refresh_from_db()
    assert (change.status, change.confirmed_by, change.staff_note) == (
        ContactChangeRequest.Status.REJECTED,
        other_staff,
        "Odrzucone przez kolegę.",
    )
    resident.party.refresh_from_db()
    assert resident.party.phone == phone_before


def test_a_reading_reviewed_by_someone_else_meanwhile_is_left_alone(
    staff_client, other_client, resident
):
    reading = ledger_services.meter_reading_submit(
        party=resident.party,
        meter=resident.party.rights.get().unit.meters.get(),
        reading_date=dt.date(2025, 3, 10),
        value=Decimal("30"),
        user=resident,
    )
    hidden = open_form(staff_client, "residentmeterreading", reading.pk)
    rejected = send(
        other_client,
        "residentmeterreading",
        reading.pk,
        {
            **open_form(other_client, "residentmeterreading", reading.pk),
            "decision": "reject",
            "review_note": "Nieczytelne.",
        },
    )
    assert rejected.status_code == 302

    response = send(
        staff_client,
        "residentmeterreading",
        reading.pk,
        {**hidden, "decision": "accept", "review_note": "OK"},
    )

    assert response.status_code == 200, "the form should be shown again"
    assert "Ten odczyt został już rozpatrzony" in response.content.decode()
    reading.refresh_from_db()
    assert (reading.status, reading.review_note) == ("rejected", "Nieczytelne.")


def test_a_decided_reading_cannot_be_opened_for_a_decision_again(
    staff_client, other_client, resident
):
    reading = ledger_services.meter_reading_submit(
        party=resident.party,
        meter=resident.party.rights.get().unit.meters.get(),
        reading_date=dt.date(2025, 3, 10),
        value=Decimal("30"),
        user=resident,
    )
    send(
        other_client,
        "residentmeterreading",
        reading.pk,
        {
            **open_form(other_client, "residentmeterreading", reading.pk),
            "decision": "reject",
            "review_note": "Nieczytelne.",
        },
    )

    response = staff_client.get(edit_url("residentmeterreading", reading.pk))

    assert response.status_code in (302, 403)
