"""Discrepancy reports (§III.5): from a ledger page to the unit's estate
office by e-mail (a background task), answered by staff in the admin, with
the status and the answer shown to the resident; attachments are private."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
import time_machine

from members.models import AuditEvent, DiscrepancyReport
from tests.area.conftest import NOON

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def unit(resident):
    return resident.party.rights.get().unit


def send(client, unit, message="Brakuje mojej wpłaty 530,00 zł z 8 lutego.", **files):
    with time_machine.travel(NOON, tick=False):
        return client.post(
            reverse("members:report-create", args=[unit.pk]),
            {"message": message, **files},
        )


def test_a_report_goes_to_the_units_estate_office_by_email(
    resident_client, resident, unit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            resident_client,
            unit,
            attachment=SimpleUploadedFile(
                "potwierdzenie.pdf", PDF, content_type="application/pdf"
            ),
        )
    report = DiscrepancyReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:report-detail", args=[report.pk])
    assert (report.unit, report.party, report.reporter) == (
        unit,
        resident.party,
        resident,
    )
    assert report.status == DiscrepancyReport.Status.NEW
    assert report.attachment_name == "potwierdzenie.pdf"
    assert "potwierdzenie" not in report.attachment.name  # random stored name

    (email,) = mail.outbox
    assert email.to == [unit.building.estate.office_email]
    assert f"nr {report.pk}" in email.subject
    assert "Brakuje mojej wpłaty" in email.body
    assert resident.party.name in email.body
    assert f"/admin/members/discrepancyreport/edit/{report.pk}/" in email.body


def test_the_ledger_page_carries_the_report_form(resident_client, unit):
    with time_machine.travel(NOON, tick=False):
        html = resident_client.get(reverse("members:ledger", args=[unit.pk])).content
    html = html.decode()
    assert f'action="{reverse("members:report-create", args=[unit.pk])}"' in html
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("wyciag.exe", b"MZ\x90\x00", "tylko pliki PDF, JPG i PNG"),
        ("wyciag.pdf", b"<html><script>", "nie odpowiada jego rodzajowi"),
        ("zdjecie.png", b"\xff\xd8\xff\xe0 JPEG", "nie odpowiada jego rodzajowi"),
    ],
)
def test_attachments_of_other_types_are_refused(
    resident_client, unit, name, content, error
):
    response = send(resident_client, unit, attachment=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not DiscrepancyReport.objects.exists()


def test_large_attachments_are_refused(resident_client, unit, settings):
    settings.IOK_REPORT_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("duzy.pdf", PDF + b"0" * 2048)
    response = send(resident_client, unit, attachment=big)
    assert "za duży" in response.content.decode()
    assert not DiscrepancyReport.objects.exists()


def test_a_too_short_message_is_refused(resident_client, unit):
    response = send(resident_client, unit, message="źle")
    assert response.status_code == 200
    assert not DiscrepancyReport.objects.exists()


def test_staff_answer_in_the_admin_and_the_resident_sees_it(
    resident_client, unit, staff_client
):
    send(resident_client, unit)
    report = DiscrepancyReport.objects.get()
    listing = staff_client.get(reverse("members_discrepancyreport_modeladmin_index"))
    assert listing.status_code == 200
    edit = reverse("members_discrepancyreport_modeladmin_edit", args=[report.pk])
    assert staff_client.get(edit).status_code == 200
    # "Answered" without an answer is refused.
    staff_client.post(edit, {"status": "answered", "answer": ""})
    report.refresh_from_db()
    assert report.status == DiscrepancyReport.Status.NEW

    response = staff_client.post(
        edit,
        {"status": "answered", "answer": "Wpłata z 8 lutego została zaksięgowana."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == DiscrepancyReport.Status.ANSWERED
    assert report.answered_by == staff_client.user
    assert report.answered_at is not None
    # Staff opening resident data is audited.
    assert AuditEvent.objects.filter(
        event=AuditEvent.Event.STAFF_VIEW, details__path=edit
    ).exists()

    with time_machine.travel(NOON, tick=False):
        page = resident_client.get(reverse("members:report-detail", args=[report.pk]))
        listing = resident_client.get(reverse("members:reports"))
    assert "Wpłata z 8 lutego została zaksięgowana." in page.content.decode()
    assert "udzielono odpowiedzi" in listing.content.decode()


def test_the_attachment_is_served_only_through_checked_views(
    resident_client, unit, staff_client, client
):
    send(
        resident_client,
        unit,
        attachment=SimpleUploadedFile("potwierdzenie.pdf", PDF),
    )
    report = DiscrepancyReport.objects.get()
    own = resident_client.get(reverse("members:report-attachment", args=[report.pk]))
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert "potwierdzenie.pdf" in own["Content-Disposition"]
    # Not under MEDIA_URL: the storage has no public URL at all.
    with pytest.raises(ValueError):
        report.attachment.url  # noqa: B018
    staff = staff_client.get(reverse("area_report_attachment", args=[report.pk]))
    assert staff.status_code == 200
    anonymous = client.get(reverse("area_report_attachment", args=[report.pk]))
    assert anonymous.status_code == 302
