"""The office uploads one document for one unit in the admin (issue 18), with
the import's rules; the list and the staff download."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

import pytest

from ledger.models import PersonalDocument
from ledger.pdf import Document, Letterhead
from ledger.signals import personal_documents_added


def pdf(text="Potwierdzenie salda") -> bytes:
    document = Document(title=text, letterhead=Letterhead("SM Przykładowa"))
    document.paragraph(text)
    return document.to_bytes()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.IOK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.IOK_PRIVATE_MEDIA_ROOT


def post(client, content, **fields):
    data = {
        "party": "200101",
        "unit": "L-CHA52-01",
        "kind": "balance_confirmation",
        "date": "2026-01-05",
        "title": "Potwierdzenie salda na 31.12.2025",
        "file": SimpleUploadedFile("saldo.pdf", content, "application/pdf"),
    } | fields
    with translation.override("pl"):
        return client.post(reverse("ledger_documents:upload"), data)


def test_staff_upload_adds_the_document_and_announces_it(
    structure, staff_client, private_root, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, document_ids, **kwargs):
        received.append(document_ids)

    personal_documents_added.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post(staff_client, pdf())
    finally:
        personal_documents_added.disconnect(listener)
    assert response.status_code == 302
    document = PersonalDocument.objects.get()
    assert document.party.number == "200101"
    assert document.external_id.startswith("office-")
    assert received == [[document.pk]]
    assert list(private_root.rglob("*.pdf"))
    # Listed, and the PDF reachable for staff, privately.
    listing = staff_client.get("/admin/ledger/personaldocument/")
    assert "Potwierdzenie salda na 31.12.2025" in listing.content.decode()
    pdf_response = staff_client.get(
        reverse("ledger_documents:file", args=[document.pk])
    )
    assert pdf_response.status_code == 200
    assert "no-store" in pdf_response["Cache-Control"]
    from members.models import AuditEvent

    assert AuditEvent.objects.filter(
        event="staff_view", details__path=f"/admin/ledger-documents/{document.pk}/pdf/"
    ).exists()


@pytest.mark.parametrize(
    ("fields", "content", "words"),
    [
        ({}, b"GIF89a not a pdf", "nie jest plikiem PDF"),
        ({"date": "1990-01-01"}, None, "nie ma prawa do tego lokalu w dniu 1990-01-01"),
        ({"unit": "L-CHA52-02"}, None, "nie ma prawa do tego lokalu"),
        ({"unit": "L-NOWHERE"}, None, "Nie ma lokalu o tym kodzie"),
    ],
)
def test_staff_upload_refuses_what_the_import_refuses(
    structure, staff_client, private_root, fields, content, words
):
    response = post(staff_client, content or pdf(), **fields)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert PersonalDocument.objects.count() == 0
    assert not list(private_root.rglob("*.pdf"))


def test_the_same_pdf_twice_is_refused(structure, staff_client, private_root):
    content = pdf()
    assert post(staff_client, content).status_code == 302
    response = post(staff_client, content, title="Again")
    assert response.status_code == 200
    assert PersonalDocument.objects.count() == 1


def test_a_resident_cannot_reach_the_upload(structure, client, django_user_model):
    from ledger.models import Party

    user = django_user_model.objects.create_user(
        username="200101",
        password="Haslo12345!",
        party=Party.objects.get(number="200101"),
    )
    client.force_login(user)
    response = client.get(reverse("ledger_documents:upload"))
    assert response.status_code in (302, 403)


def test_a_batch_goes_through_the_import_screen(
    structure, staff_client, private_root, settings, tmp_path
):
    """The accountant uploads the sample ZIP as "documents": dry run, confirm."""
    from ledger.models import DataImport

    from .conftest import SAMPLES

    settings.MEDIA_ROOT = tmp_path / "media"
    content = (SAMPLES / "documents.zip").read_bytes()
    data = {
        "kind": "documents",
        "source": "fk",
        "replace_period": "",
        "encoding": "",
    }
    refused = staff_client.post(
        "/admin/ledger-imports/",
        data | {"file": SimpleUploadedFile("manifest.csv", b"x", "text/csv")},
    )
    assert refused.status_code == 200
    assert PersonalDocument.objects.count() == 0
    response = staff_client.post(
        "/admin/ledger-imports/",
        data
        | {"file": SimpleUploadedFile("dokumenty.zip", content, "application/zip")},
    )
    assert response.status_code == 302
    dry_run = DataImport.objects.get(kind="documents", status=DataImport.Status.DRY_RUN)
    assert dry_run.kind == "documents" and dry_run.inserted == 2
    assert PersonalDocument.objects.count() == 0
    staff_client.post(reverse("ledger_imports:confirm", args=[dry_run.pk]))
    run = DataImport.objects.get(kind="documents", status=DataImport.Status.SUCCEEDED)
    assert run.inserted == 2
    assert PersonalDocument.objects.count() == 2
    assert len(list(private_root.rglob("*.pdf"))) == 2
