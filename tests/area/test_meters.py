"""Meter readings: the zone pages, the chart, and the resident's own reading
with its checks (lower value, future date, implausible jump, replaced meter),
then the office accepting or rejecting it in the admin."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

import pytest
import time_machine

from ledger.models import Meter, MeterReading
from tests.area.conftest import NOON
from tests.factories import MeterFactory, MeterReadingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meter(resident):
    """A's cold-water meter: accepted 10 m³ on 30.09.2024, 25 m³ on 31.12.2024."""
    return resident.party.rights.get().unit.meters.get()


def submit(client, meter, value, day="2025-03-10"):
    with time_machine.travel(NOON, tick=False):
        return client.post(
            reverse("members:meter-detail", args=[meter.pk]),
            {"reading_date": day, "value": value},
        )


def errors(response) -> str:
    assert response.status_code == 200, "the form should be shown again"
    return " ".join(
        str(error)
        for field_errors in response.context["form"].errors.values()
        for error in field_errors
    )


def test_a_valid_reading_is_stored_pending_as_resident_submitted(
    resident_client, resident, meter
):
    response = submit(resident_client, meter, "31,5")
    assert response.status_code == 302
    reading = MeterReading.objects.get(meter=meter, source="resident")
    assert reading.value == Decimal("31.500")
    assert reading.status == MeterReading.Status.PENDING
    assert reading.submitted_by == resident
    # The resident sees it waiting, and the accepted history is unchanged.
    with time_machine.travel(NOON, tick=False):
        page = resident_client.get(reverse("members:meter-detail", args=[meter.pk]))
    assert "czeka na sprawdzenie przez administrację" in page.content.decode()
    assert [r.value for r in page.context["readings"]] == [10, 25]


def test_a_reading_lower_than_the_last_accepted_one_is_refused(resident_client, meter):
    message = errors(submit(resident_client, meter, "24,9"))
    assert "niższy od ostatniego przyjętego" in message
    assert not MeterReading.objects.filter(source="resident").exists()


def test_a_reading_dated_in_the_future_is_refused(resident_client, meter):
    message = errors(submit(resident_client, meter, "30", day="2025-03-16"))
    assert "nie może być z przyszłości" in message


def test_an_implausible_jump_is_refused(resident_client, meter):
    # 25 m³ on 31.12.2024; 69 days later the cap for cold water is 2 m³/day.
    message = errors(submit(resident_client, meter, "250"))
    assert "więcej, niż gospodarstwo domowe" in message
    # Just under the cap is accepted.
    assert submit(resident_client, meter, "163").status_code == 302


def test_a_back_dated_reading_above_a_later_accepted_one_is_refused(
    resident_client, meter
):
    message = errors(submit(resident_client, meter, "26", day="2024-11-30"))
    assert "wyższy od przyjętego odczytu z późniejszego dnia" in message


def test_a_replaced_meter_starts_again_from_zero(resident_client, meter):
    # The old meter was removed in January; the new one counts from zero, so a
    # reading far below the old meter's 25 m³ is right, not "lower".
    meter.removed_on = dt.date(2025, 1, 15)
    meter.save()
    new = MeterFactory(
        unit=meter.unit,
        kind=Meter.Kind.COLD_WATER,
        installed_on=dt.date(2025, 1, 15),
        replaces=meter,
    )
    assert submit(resident_client, new, "3,2").status_code == 302
    assert MeterReading.objects.get(meter=new, source="resident").value == Decimal(
        "3.200"
    )
    # The removed meter takes no more readings.
    with time_machine.travel(NOON, tick=False):
        page = resident_client.get(reverse("members:meter-detail", args=[meter.pk]))
    assert "został zdemontowany" in page.content.decode()
    assert submit(resident_client, meter, "30").status_code == 200
    assert not MeterReading.objects.filter(meter=meter, source="resident").exists()


def test_a_new_meter_is_also_checked_against_the_daily_cap(resident_client, meter):
    new = MeterFactory(
        unit=meter.unit,
        kind=Meter.Kind.HOT_WATER,
        installed_on=dt.date(2025, 3, 1),
    )
    message = errors(submit(resident_client, new, "500"))
    assert "więcej, niż gospodarstwo domowe" in message


def test_the_same_day_cannot_be_submitted_twice_while_pending(resident_client, meter):
    assert submit(resident_client, meter, "30").status_code == 302
    message = errors(submit(resident_client, meter, "30,5"))
    assert "został już przez Państwa zgłoszony" in message


def test_the_meter_page_shows_consumption_as_a_readable_chart_and_a_table(
    resident_client, meter
):
    MeterReadingFactory(meter=meter, reading_date=dt.date(2025, 2, 28), value=31)
    with time_machine.travel(NOON, tick=False):
        page = resident_client.get(reverse("members:meter-detail", args=[meter.pk]))
    html = page.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    # Title and description, a hatch pattern (not colour), values written out.
    assert "<title id=" in svg and "<desc id=" in svg
    assert 'role="img"' in svg and "<pattern" in svg and "url(#chart-" in svg
    assert ">15<" in svg and ">6<" in svg
    assert "style=" not in svg  # strict CSP: no inline styles
    # The same consumption figures in the table.
    consumption = [r.consumption for r in page.context["readings"]]
    assert consumption == [None, 15, 6]


def test_the_zone_page_lists_the_meters_with_their_last_reading(resident_client, meter):
    with time_machine.travel(NOON, tick=False):
        page = resident_client.get(reverse("members:meters"))
    html = page.content.decode()
    assert meter.serial_number in html
    assert "31.12.2024" in html


def test_staff_accept_a_resident_reading_in_the_admin(
    resident_client, meter, staff_client
):
    submit(resident_client, meter, "30")
    reading = MeterReading.objects.get(source="resident")
    listing = staff_client.get(reverse("members_residentmeterreading_modeladmin_index"))
    assert listing.status_code == 200
    assert meter.serial_number in listing.content.decode()
    edit_url = reverse(
        "members_residentmeterreading_modeladmin_edit", args=[reading.pk]
    )
    assert staff_client.get(edit_url).status_code == 200
    response = staff_client.post(
        edit_url, {"decision": "accept", "review_note": "Zgodne ze zdjęciem."}
    )
    assert response.status_code == 302
    reading.refresh_from_db()
    assert reading.status == MeterReading.Status.ACCEPTED
    assert reading.reviewed_at is not None
    assert reading.review_note == "Zgodne ze zdjęciem."
    # Decided once: the edit screen is closed now.
    assert staff_client.get(edit_url).status_code in (302, 403)


def test_staff_reject_a_resident_reading_and_the_resident_sees_why(
    resident_client, meter, staff_client
):
    submit(resident_client, meter, "30")
    reading = MeterReading.objects.get(source="resident")
    staff_client.post(
        reverse("members_residentmeterreading_modeladmin_edit", args=[reading.pk]),
        {"decision": "reject", "review_note": "Nieczytelne cyfry."},
    )
    reading.refresh_from_db()
    assert reading.status == MeterReading.Status.REJECTED
    with time_machine.travel(NOON, tick=False):
        page = resident_client.get(reverse("members:meter-detail", args=[meter.pk]))
    assert "Nieczytelne cyfry." in page.content.decode()
