import pytest
import time_machine

from tests.area.conftest import TODAY


@pytest.mark.django_db
def test_every_zone_renders_for_a_resident(resident_client, resident):
    unit = resident.party.rights.first().unit
    meter = unit.meters.first()
    loan = unit.loans.first()
    urls = [
        "/iok/",
        f"/iok/kartoteka/{unit.pk}/",
        f"/iok/kartoteka/{unit.pk}/csv/",
        f"/iok/kartoteka/{unit.pk}/wydruk/",
        f"/iok/kartoteka/{unit.pk}/zgloszenie/",
        "/iok/zgloszenia/",
        "/iok/kredyty/",
        f"/iok/kredyty/{loan.pk}/",
        "/iok/liczniki/",
        f"/iok/liczniki/{meter.pk}/",
        "/iok/czlonkostwo/",
        "/iok/dane-kontaktowe/",
        "/iok/platnosci/",
        "/iok/ogloszenia/",
        "/iok/moje-dane/",
    ]
    with time_machine.travel(TODAY, tick=False):
        for url in urls:
            response = resident_client.get(url)
            assert response.status_code == 200, url
