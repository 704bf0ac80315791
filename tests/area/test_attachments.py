"""Issue 12, item 3: a report attachment keeps the extension that was checked.

The form used to check the full uploaded name while the service stored its
first 200 characters: a 255-character ``…C.bat…D.pdf`` passed as a PDF and
reached staff as ``….bat``; an ``.html`` variant was served as ``text/html``,
in the download views and inside the RODO archive.
"""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
import time_machine

from members.area.services import attachment_name
from members.models import DiscrepancyReport
from tests.area.conftest import NOON

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def long_name(hidden: str) -> str:
    """255 characters whose first 200 end in ``hidden`` and that end in .pdf."""
    head = "A" * (200 - len(hidden) - 1) + "C" + hidden
    name = head + "B" * (255 - len(head) - len("D.pdf")) + "D.pdf"
    assert len(name) == 255 and name[:200].endswith(hidden)
    return name


@pytest.fixture
def unit(resident):
    return resident.party.rights.get().unit


def send(client, unit, upload):
    with time_machine.travel(NOON, tick=False):
        return client.post(
            reverse("members:report-create", args=[unit.pk]),
            {
                "message": "Brakuje mojej wpłaty 530,00 zł z 8 lutego.",
                "attachment": upload,
            },
        )


@pytest.mark.parametrize("hidden", [".bat", ".html"])
def test_a_long_name_is_stored_with_the_extension_that_was_checked(
    resident_client, staff_client, unit, hidden
):
    response = send(resident_client, unit, SimpleUploadedFile(long_name(hidden), PDF))
    assert response.status_code == 302
    report = DiscrepancyReport.objects.get()
    assert report.attachment_name.endswith(".pdf")
    assert hidden not in report.attachment_name
    assert len(report.attachment_name) <= 200
    assert report.attachment.name.endswith(".pdf")

    for url in (
        reverse("members:report-attachment", args=[report.pk]),
        reverse("area_report_attachment", args=[report.pk]),
    ):
        client = resident_client if url.startswith("/iok") else staff_client
        served = client.get(url)
        assert served.status_code == 200
        assert served["Content-Type"] == "application/pdf"
        assert served["Content-Disposition"].startswith("attachment;")
        assert hidden not in served["Content-Disposition"].rsplit(".", 1)[-1]
        assert served["Content-Disposition"].rstrip('"').endswith(".pdf")


def test_a_name_stored_before_the_fix_is_served_with_the_checked_type(
    resident_client, staff_client, unit
):
    send(resident_client, unit, SimpleUploadedFile("potwierdzenie.pdf", PDF))
    report = DiscrepancyReport.objects.get()
    # A row written by the old service: the name cut to 200 characters.
    report.attachment_name = long_name(".html")[:200]
    report.save(update_fields=["attachment_name"])

    served = staff_client.get(reverse("area_report_attachment", args=[report.pk]))
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].rstrip('"').endswith(".pdf")

    with time_machine.travel(NOON, tick=False):
        archive = resident_client.post(reverse("members:my-data"))
    with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
        (attached,) = [n for n in files.namelist() if n.startswith("zalaczniki/")]
    assert attached.endswith(".pdf")
    assert ".html" not in attached


def test_a_long_name_hiding_another_type_at_the_end_is_refused(resident_client, unit):
    name = "A" * 190 + ".pdf" + "B" * 57 + ".bat"
    response = send(resident_client, unit, SimpleUploadedFile(name, PDF))
    assert response.status_code == 200
    assert not DiscrepancyReport.objects.exists()


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("potwierdzenie.pdf", "potwierdzenie.pdf"),
        ("Skan.PDF", "Skan.pdf"),
        ("C:\\\\Users\\\\jan\\\\wyciag.png", "wyciag.png"),
        (".pdf", ".pdf"),
        ("x" * 300 + ".jpeg", "x" * 195 + ".jpeg"),
    ],
)
def test_the_stored_name(uploaded, stored):
    assert attachment_name(uploaded) == stored
