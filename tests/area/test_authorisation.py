"""Who may open which member-area page: the authorisation matrix.

Resident A asks, by id, for resident B's unit, meter, loan and report, and for
notices A may not read: every one is "not found", and none of A's pages shows
B's name, amounts, meter or account number. Anonymous visitors are sent to the
login page, and the members guards (second factor, forced password change,
blocking, no-store caching) hold on every zone.
"""

import io
import zipfile

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import DiscrepancyReport
from tests.area.conftest import NOON

pytestmark = pytest.mark.django_db

#: Pages of the member area that take no id.
ZONE_NAMES = [
    "dashboard",
    "reports",
    "loans",
    "meters",
    "membership",
    "contact",
    "payments",
    "notices",
    "my-data",
]

#: What resident B has that A must never see.
B_SECRETS = ["Bożena Beta", "500002", "9\xa0876,54", "77\xa0777,00", "BETA0001"]


@pytest.fixture
def b_report(other_resident):
    user, unit, _loan, _meter = other_resident
    report = DiscrepancyReport(
        unit=unit, party=user.party, reporter=user, message="Brakuje wpłaty Bożeny."
    )
    report.attachment.save("potwierdzenie.pdf", ContentFile(b"%PDF-1.4 B"), save=False)
    report.attachment_name = "potwierdzenie.pdf"
    report.save()
    return report


def b_urls(other_resident, b_report, hidden_notices):
    """Every member URL with an id, pointing at B's objects (or at notices A
    may not read)."""
    _user, unit, loan, meter = other_resident
    return [
        reverse("members:ledger", args=[unit.pk]),
        reverse("members:ledger-csv", args=[unit.pk]),
        reverse("members:ledger-print", args=[unit.pk]),
        reverse("members:report-create", args=[unit.pk]),
        reverse("members:loan-detail", args=[loan.pk]),
        reverse("members:meter-detail", args=[meter.pk]),
        reverse("members:report-detail", args=[b_report.pk]),
        reverse("members:report-attachment", args=[b_report.pk]),
        *[reverse("members:notice", args=[notice.pk]) for notice in hidden_notices],
    ]


def test_resident_a_gets_404_for_every_object_of_resident_b(
    resident_client, other_resident, b_report, notices
):
    hidden = [notices["draft"], notices["board_only"]]
    with time_machine.travel(NOON, tick=False):
        for url in b_urls(other_resident, b_report, hidden):
            assert resident_client.get(url).status_code == 404, url
        # Writing through B's ids fails the same way.
        _user, unit, _loan, meter = other_resident
        post = resident_client.post(
            reverse("members:report-create", args=[unit.pk]),
            {"message": "To nie moja kartoteka, ale spróbuję."},
        )
        assert post.status_code == 404
        post = resident_client.post(
            reverse("members:meter-detail", args=[meter.pk]),
            {"reading_date": "2025-03-01", "value": "41"},
        )
        assert post.status_code == 404
    assert DiscrepancyReport.objects.count() == 1
    assert not meter.readings.filter(source="resident").exists()


def test_ids_that_do_not_exist_are_not_found_either(resident_client):
    for name in ("ledger", "loan-detail", "meter-detail", "report-detail", "notice"):
        assert (
            resident_client.get(reverse(f"members:{name}", args=[999999])).status_code
            == 404
        )


def test_resident_a_can_open_their_own_objects(resident_client, resident, notices):
    unit = resident.party.rights.get().unit
    with time_machine.travel(NOON, tick=False):
        for url in (
            reverse("members:ledger", args=[unit.pk]),
            reverse("members:loan-detail", args=[unit.loans.get().pk]),
            reverse("members:meter-detail", args=[unit.meters.get().pk]),
        ):
            assert resident_client.get(url).status_code == 200, url
        for key in ("public", "residents"):
            response = resident_client.get(
                reverse("members:notice", args=[notices[key].pk])
            )
            assert response.status_code == 302
            assert response["Location"] == notices[key].url


def test_a_pages_never_show_b_s_names_or_amounts(
    resident_client, resident, other_resident, b_report
):
    unit = resident.party.rights.get().unit
    pages = [reverse(f"members:{name}") for name in ZONE_NAMES] + [
        reverse("members:ledger", args=[unit.pk]),
        reverse("members:ledger-print", args=[unit.pk]) + "?rok=2025",
        reverse("members:ledger-csv", args=[unit.pk]),
    ]
    _user, b_unit, _loan, _meter = other_resident
    secrets = [*B_SECRETS, b_unit.bank_account, b_unit.bank_account_display]
    with time_machine.travel(NOON, tick=False):
        for url in pages:
            text = resident_client.get(url).content.decode()
            for secret in secrets:
                assert secret not in text, (url, secret)
        archive = resident_client.post(reverse("members:my-data")).content
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        for name in files.namelist():
            text = files.read(name).decode("utf-8", errors="ignore")
            for secret in secrets:
                assert secret not in text, (name, secret)


@pytest.mark.parametrize("name", ZONE_NAMES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    url = reverse(f"members:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/?next=")


def test_anonymous_visitors_asking_for_an_id_are_sent_to_login_too(
    client, other_resident
):
    _user, unit, loan, meter = other_resident
    for url in (
        reverse("members:ledger", args=[unit.pk]),
        reverse("members:loan-detail", args=[loan.pk]),
        reverse("members:meter-detail", args=[meter.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/iok/login/")


def test_a_resident_with_two_factor_must_pass_it_first(client, resident):
    TOTPDevice.objects.create(user=resident, name="authenticator", confirmed=True)
    client.force_login(resident)  # password only: the session is not verified
    response = client.get(reverse("members:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")


def test_the_first_password_must_be_changed_before_any_zone(client, resident):
    resident.must_change_password = True
    resident.save()
    client.force_login(resident)
    for name in ("dashboard", "payments", "my-data"):
        response = client.get(reverse(f"members:{name}"))
        assert response.status_code == 302
        assert response["Location"] == reverse("members:password-change")


def test_a_blocked_resident_is_logged_out(resident_client, resident):
    resident.blocked_at = timezone.now()
    resident.save()
    response = resident_client.get(reverse("members:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")
    assert "_auth_user_id" not in resident_client.session


def test_staff_without_a_party_see_no_resident_data(staff_client):
    assert staff_client.get(reverse("members:dashboard")).status_code == 200
    assert staff_client.get(reverse("members:payments")).status_code == 404


def test_member_pages_are_never_cached(resident_client, resident):
    unit = resident.party.rights.get().unit
    with time_machine.travel(NOON, tick=False):
        for url in (
            reverse("members:dashboard"),
            reverse("members:ledger", args=[unit.pk]),
        ):
            cache_control = resident_client.get(url)["Cache-Control"]
            assert "no-store" in cache_control and "private" in cache_control


def test_the_report_form_refuses_cross_site_posts(resident):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(resident)
    unit = resident.party.rights.get().unit
    response = csrf_client.post(
        reverse("members:report-create", args=[unit.pk]),
        {"message": "Wysłane z obcej strony."},
    )
    assert response.status_code == 403
    assert not DiscrepancyReport.objects.exists()
