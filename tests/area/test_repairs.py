"""Repair requests (issue 17 point 2): a resident reports a fault with photos
checked by their content, follows the status and the office's replies; the
estate office that serves the unit (and only it) handles the request in the
admin; e-mails go to the office through the outbox; the resident never sees
the internal note."""

import io
import json
import zipfile

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

import pytest
import time_machine
from PIL import Image

from members.models import (
    AuditEvent,
    DiscrepancyReport,
    EstateOfficeStaff,
    RepairMessage,
    RepairPhoto,
    RepairRequest,
)
from members.signals import request_answered
from members.todo import todo_for
from tests.area.conftest import NOON
from tests.conftest import log_in_verified_staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DESCRIPTION = "Cieknie kaloryfer w pokoju, kałuża pod oknem."
SECRET_NOTE = "Lokator trudny, umawiać tylko z kierownikiem."


def image_bytes(fmt="JPEG", size=(640, 480)) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def photo(name="kaloryfer.jpg", content=None, fmt="JPEG"):
    return SimpleUploadedFile(
        name, content if content is not None else image_bytes(fmt)
    )


@pytest.fixture
def unit(resident):
    return resident.party.rights.get().unit


def file_request(client, unit, *, photos=(), **fields):
    data = {
        "unit": unit.pk,
        "place": "unit",
        "category": "heating",
        "description": DESCRIPTION,
        "convenient_time": "po 16:00",
        **fields,
    }
    if photos:
        data["photos"] = list(photos)
    with time_machine.travel(NOON, tick=False):
        return client.post(reverse("members:repair-create"), data)


def office_staff(username, estate):
    user = get_user_model().objects.create_user(
        username=username, password="Biuro2026!x"
    )
    user.groups.add(Group.objects.get(name="Administracje osiedli"))
    EstateOfficeStaff.objects.create(user=user, estate=estate)
    return log_in_verified_staff(Client(), user)


@pytest.fixture
def repair(resident_client, unit):
    file_request(resident_client, unit, photos=[photo()])
    return RepairRequest.objects.get()


# --- Filing a request -------------------------------------------------------------


def test_a_request_with_photos_reaches_the_units_estate_office(
    resident_client, resident, unit, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = file_request(
            resident_client,
            unit,
            photos=[
                photo(),
                photo("ekran.png", fmt="PNG"),
                photo("iphone.heic", fmt="HEIF"),
            ],
        )
    repair = RepairRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:repair-detail", args=[repair.pk])
    assert (repair.unit, repair.party, repair.reporter) == (
        unit,
        resident.party,
        resident,
    )
    assert repair.status == RepairRequest.Status.NEW
    assert repair.convenient_time == "po 16:00"
    # Stored privately under random names, re-encoded as JPEG (HEIC too).
    photos = list(repair.photos.all())
    assert len(photos) == 3
    for stored in photos:
        assert "kaloryfer" not in stored.image.name
        assert str(settings.IOK_PRIVATE_MEDIA_ROOT) in stored.image.path
        with stored.image.open("rb") as handle:
            assert Image.open(handle).format == "JPEG"
    (email,) = mail.outbox
    assert email.to == [unit.building.estate.office_email]
    assert f"nr {repair.pk}" in email.subject
    assert DESCRIPTION in email.body
    assert "3 zdjęcia" in email.body
    assert f"/admin/members/repairrequest/edit/{repair.pk}/" in email.body


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: photo("skan.jpg", PDF), "nie jest zdjęciem"),
        (lambda: photo("zdjecie.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64), "nie jest"),
        (lambda: photo("film.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 junk"), "nie jest"),
    ],
)
def test_files_that_are_not_photos_by_content_are_refused(
    resident_client, unit, upload, message, settings
):
    response = file_request(resident_client, unit, photos=[photo(), upload()])
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not RepairRequest.objects.exists()
    assert not RepairPhoto.objects.exists()
    private = settings.IOK_PRIVATE_MEDIA_ROOT
    assert not private.exists() or not any(p.is_file() for p in private.rglob("*"))


def test_a_decompression_bomb_is_refused_before_decoding(resident_client, unit):
    # 10 000 x 10 000 px of one colour: a small PNG, 300 MB once decoded.
    bomb = photo("bomba.png", image_bytes("PNG", size=(10_000, 10_000)))
    assert bomb.size < 1024 * 1024
    response = file_request(resident_client, unit, photos=[bomb])
    assert "nie jest zdjęciem" in response.content.decode()
    assert not RepairRequest.objects.exists()


def test_too_large_photos_are_refused_with_the_limit(resident_client, unit, settings):
    settings.IOK_REPAIR_PHOTO_MAX_BYTES = 2 * 1024 * 1024
    big = photo("duze.png", image_bytes("PNG") + b"\0" * (2 * 1024 * 1024))
    response = file_request(resident_client, unit, photos=[big])
    html = response.content.decode()
    assert "za duży (najwyżej 2 MB)" in html
    assert not RepairRequest.objects.exists()


def test_more_than_three_photos_are_refused(resident_client, unit):
    response = file_request(resident_client, unit, photos=[photo() for _ in range(4)])
    assert "najwyżej 3 zdjęcia" in response.content.decode()
    assert not RepairRequest.objects.exists()


def test_a_unit_the_resident_does_not_hold_is_refused(resident_client, other_resident):
    _user, other_unit, _loan, _meter = other_resident
    response = file_request(resident_client, other_unit)
    assert response.status_code == 200
    assert not RepairRequest.objects.exists()


def test_the_form_says_the_limits_in_polish(resident_client):
    html = resident_client.get(reverse("members:repair-create")).content.decode()
    assert "Do 3 zdjęć (JPG, PNG, WebP lub HEIC), każde najwyżej 8 MB." in html
    assert 'enctype="multipart/form-data"' in html
    assert "w części wspólnej budynku" in html


# --- What the resident sees ---------------------------------------------------------


def test_another_residents_request_and_photo_are_404(repair, client, other_resident):
    client.force_login(other_resident[0])
    photo_id = repair.photos.get().pk
    urls = [
        reverse("members:repair-detail", args=[repair.pk]),
        reverse("members:repair-photo", args=[repair.pk, photo_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[0], {"text": "Wtrącam się"}).status_code == 404
    assert not RepairMessage.objects.exists()
    listing = client.get(reverse("members:repairs")).content.decode()
    assert reverse("members:repair-detail", args=[repair.pk]) not in listing


def test_the_photo_is_served_privately_to_its_owner(repair, resident_client):
    url = reverse("members:repair-photo", args=[repair.pk, repair.photos.get().pk])
    response = resident_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    # The same id under another of the resident's requests: 404.
    assert (
        resident_client.get(
            reverse(
                "members:repair-photo", args=[repair.pk + 1, repair.photos.get().pk]
            )
        ).status_code
        == 404
    )


def test_a_resident_reply_goes_to_the_office(
    repair, resident_client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    url = reverse("members:repair-detail", args=[repair.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = resident_client.post(url, {"text": "Dziś cieknie mocniej."})
    assert response.status_code == 302
    # (The worker's run also sends what was still queued: the new request's.)
    (email,) = [m for m in mail.outbox if "Dziś cieknie mocniej." in m.body]
    assert email.to == [repair.unit.building.estate.office_email]
    assert "Dziś cieknie mocniej." in resident_client.get(url).content.decode()


def test_pages_stay_within_their_query_budget(
    repair, resident_client, django_assert_max_num_queries
):
    for _ in range(3):
        RepairMessage.objects.create(request=repair, kind="office", text="Odp.")
    with django_assert_max_num_queries(12):
        assert resident_client.get(reverse("members:repairs")).status_code == 200
    with django_assert_max_num_queries(12):
        detail = resident_client.get(reverse("members:repair-detail", args=[repair.pk]))
    assert detail.status_code == 200
    with django_assert_max_num_queries(12):
        assert resident_client.get(reverse("members:repair-create")).status_code == 200


def test_the_dashboard_counts_open_requests(repair, resident_client):
    with time_machine.travel(NOON, tick=False):
        html = resident_client.get(reverse("members:dashboard")).content.decode()
    assert "Masz 1 otwarte zgłoszenie awarii." in html


# --- The estate office --------------------------------------------------------------


def test_staff_of_another_estate_office_do_not_see_it(repair, other_resident):
    _user, other_unit, _loan, _meter = other_resident
    other_office = office_staff("adm-inne", other_unit.building.estate)
    index = other_office.get(reverse("members_repairrequest_modeladmin_index"))
    assert index.status_code == 200
    assert f'data-object-pk="{repair.pk}"' not in index.content.decode()
    photo_id = repair.photos.get().pk
    for url in (
        reverse("members_repairrequest_modeladmin_edit", args=[repair.pk]),
        reverse("members_repairrequest_modeladmin_inspect", args=[repair.pk]),
        reverse("area_repair_photo", args=[photo_id]),
    ):
        assert other_office.get(url).status_code == 404, url
    response = other_office.post(
        reverse("members_repairrequest_modeladmin_edit", args=[repair.pk]),
        {"status": "done", "reply": "Zrobione"},
    )
    assert response.status_code == 404
    repair.refresh_from_db()
    assert repair.status == RepairRequest.Status.NEW
    # Its to-do list does not count it either; the right office's does.
    assert {e.key: e.count for e in todo_for(other_office.user)}["repairs-new"] == 0
    own = office_staff("adm-wlasna", repair.unit.building.estate)
    assert {e.key: e.count for e in todo_for(own.user)}["repairs-new"] == 1


def test_the_office_handles_it_and_the_resident_sees_only_the_reply(
    repair, resident_client, django_capture_on_commit_callbacks
):
    own = office_staff("adm-wlasna", repair.unit.building.estate)
    index = own.get(reverse("members_repairrequest_modeladmin_index"))
    assert f'data-object-pk="{repair.pk}"' in index.content.decode()
    edit = reverse("members_repairrequest_modeladmin_edit", args=[repair.pk])
    page = own.get(edit)
    assert page.status_code == 200
    assert reverse("area_repair_photo", args=[repair.photos.get().pk]) in (
        page.content.decode()
    )
    assert (
        own.get(reverse("area_repair_photo", args=[repair.photos.get().pk])).status_code
        == 200
    )

    answered = []

    def receiver(sender, **kwargs):
        answered.append(kwargs)

    request_answered.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = own.post(
                edit,
                {
                    "status": "in_progress",
                    "assignee": own.user.pk,
                    "reply": "Hydraulik przyjdzie we wtorek po 16:00.",
                    "internal_note": SECRET_NOTE,
                },
            )
    finally:
        request_answered.disconnect(receiver)
    assert response.status_code == 302
    repair.refresh_from_db()
    assert repair.status == RepairRequest.Status.IN_PROGRESS
    assert repair.assignee == own.user
    assert repair.internal_note == SECRET_NOTE
    (signal,) = answered
    assert signal["user"] == repair.reporter
    assert signal["obj"] == repair
    assert signal["url"] == reverse("members:repair-detail", args=[repair.pk])
    # The status change is audited.
    event = AuditEvent.objects.get(event=AuditEvent.Event.REPAIR_STATUS)
    assert event.actor == own.user
    assert event.details["new"] == "in_progress"

    html = resident_client.get(
        reverse("members:repair-detail", args=[repair.pk])
    ).content.decode()
    assert "Hydraulik przyjdzie we wtorek po 16:00." in html
    assert "Zmiana statusu: w realizacji" in html
    assert SECRET_NOTE not in html
    assert (
        "Lokator trudny"
        not in resident_client.get(reverse("members:repairs")).content.decode()
    )


def test_the_assignee_is_chosen_among_the_offices_staff(repair, other_resident):
    _user, other_unit, _loan, _meter = other_resident
    stranger = office_staff("adm-inne", other_unit.building.estate)
    own = office_staff("adm-wlasna", repair.unit.building.estate)
    edit = reverse("members_repairrequest_modeladmin_edit", args=[repair.pk])
    own.post(edit, {"status": "new", "assignee": stranger.user.pk})
    repair.refresh_from_db()
    assert repair.assignee is None


def test_discrepancy_reports_are_scoped_to_the_office_too(
    resident, unit, other_resident
):
    report = DiscrepancyReport.objects.create(
        unit=unit, party=resident.party, message="Brakuje wpłaty z lutego."
    )
    _user, other_unit, _loan, _meter = other_resident
    other_office = office_staff("adm-inne", other_unit.building.estate)
    edit = reverse("members_discrepancyreport_modeladmin_edit", args=[report.pk])
    assert other_office.get(edit).status_code == 404
    own = office_staff("adm-wlasna", unit.building.estate)
    assert own.get(edit).status_code == 200


def test_answering_a_discrepancy_report_tells_the_resident(
    resident, unit, staff_client, django_capture_on_commit_callbacks
):
    report = DiscrepancyReport.objects.create(
        unit=unit, party=resident.party, reporter=resident, message="Brakuje wpłaty."
    )
    answered = []

    def receiver(sender, **kwargs):
        answered.append(kwargs)

    request_answered.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            staff_client.post(
                reverse("members_discrepancyreport_modeladmin_edit", args=[report.pk]),
                {"status": "answered", "answer": "Zaksięgowana 9 lutego."},
            )
    finally:
        request_answered.disconnect(receiver)
    (signal,) = answered
    assert signal["user"] == resident
    assert signal["url"] == reverse("members:report-detail", args=[report.pk])


# --- RODO export --------------------------------------------------------------------


def test_the_export_holds_the_requests_and_photos_but_not_the_internal_note(
    repair, resident_client
):
    RepairRequest.objects.filter(pk=repair.pk).update(internal_note=SECRET_NOTE)
    RepairMessage.objects.create(request=repair, kind="office", text="Przyjęte.")
    response = resident_client.post(reverse("members:my-data"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("dane.json"))
    (row,) = data["repair_requests"]
    assert row["description"] == DESCRIPTION
    assert row["photos"] == 1
    assert data["repair_request_messages"][0]["text"] == "Przyjęte."
    assert SECRET_NOTE not in archive.read("dane.json").decode()
    assert any(name.startswith("zdjecia/") for name in archive.namelist())


def test_the_office_reply_e_mails_the_resident_unless_they_opted_out(
    repair, django_capture_on_commit_callbacks
):
    """The office's reply reaches the resident through the notifications
    (topic "answers", on by default): the e-mail links the request's page and
    carries the one-click unsubscribe link, and never the internal note. A
    resident who switched the topic off gets nothing."""
    from members.notifications import REQUESTS, preferences_set

    party = repair.party
    party.email = "mieszkaniec@example.pl"
    party.save()
    own = office_staff("adm-odpowiedz", repair.unit.building.estate)
    edit = reverse("members_repairrequest_modeladmin_edit", args=[repair.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        own.post(
            edit,
            {
                "status": "in_progress",
                "assignee": own.user.pk,
                "reply": "Hydraulik przyjdzie we wtorek po 16:00.",
                "internal_note": SECRET_NOTE,
            },
        )
    (message,) = [m for m in mail.outbox if m.to == ["mieszkaniec@example.pl"]]
    assert reverse("members:repair-detail", args=[repair.pk]) in message.body
    assert SECRET_NOTE not in message.body
    assert "List-Unsubscribe" in message.extra_headers
    preferences_set(user=repair.reporter, choices={REQUESTS: False})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        own.post(
            edit,
            {
                "status": "done",
                "assignee": own.user.pk,
                "reply": "Naprawione.",
                "internal_note": SECRET_NOTE,
            },
        )
    assert not [m for m in mail.outbox if m.to == ["mieszkaniec@example.pl"]]
