"""A full disk or a read-only media directory during an upload: the user gets
a clear Polish page (507), no 500, and nothing changes: no database row, no
truncated file.

The media directory is a real filesystem fault when the test may mount one
(root with CAP_SYS_ADMIN, as on the project's machines and in CI): a tiny tmpfs
filled to the last byte ("full"), or a tmpfs mounted read-only ("readonly").
``chmod 0555`` would prove nothing here because root ignores permissions. Where
mounting is not allowed those cases skip, and ``test_..._when_the_write_fails``
still simulates ENOSPC half-way through a write (the storage layer is patched)
so the clean-up path is covered everywhere.
"""

import errno
import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wagtail.documents import get_document_model

import pytest

from ledger.models import DataImport
from members.models import DiscrepancyReport
from tests.area.conftest import make_resident

PDF = b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n"
POLISH_MESSAGE = "Nie udało się zapisać pliku"


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@contextmanager
def faulty_mount(path: Path, fault: str):
    """Mount a tmpfs on ``path`` that is full or read-only; unmount after."""
    path.mkdir(parents=True, exist_ok=True)
    options = "size=256k,mode=0777" + (",ro" if fault == "readonly" else "")
    mounted = _run("mount", "-t", "tmpfs", "-o", options, "iok-test-media", str(path))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        if fault == "full":
            with (path / "filler").open("wb") as filler:
                try:
                    while True:
                        filler.write(b"\0" * 65536)
                        filler.flush()
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
        yield path
    finally:
        _run("umount", "-l", str(path))


def files_under(path: Path) -> set[str]:
    return {
        str(p.relative_to(path))
        for p in path.rglob("*")
        if p.is_file() and p.name != "filler"
    }


def assert_clear_error(response):
    assert response.status_code == 507
    body = response.content.decode()
    assert POLISH_MESSAGE in body
    assert "Niczego nie zapisano" in body
    assert "Traceback" not in body and "Errno" not in body


@pytest.fixture(params=["full", "readonly"])
def broken_media(request, tmp_path, settings):
    with faulty_mount(tmp_path / "media", request.param) as media:
        settings.MEDIA_ROOT = media
        settings.IOK_PRIVATE_MEDIA_ROOT = media / "private"
        yield media


@pytest.fixture
def staff(staff_client):
    staff_client.raise_request_exception = False
    return staff_client


@pytest.mark.django_db
def test_document_upload_in_the_admin(staff, broken_media):
    response = staff.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Wniosek o dostęp",
            "file": SimpleUploadedFile("wniosek.pdf", PDF, "application/pdf"),
            "collection": 1,
        },
    )
    assert_clear_error(response)
    assert get_document_model().objects.count() == 0
    assert files_under(broken_media) == set()


@pytest.mark.django_db
def test_import_upload_in_the_admin(staff, broken_media):
    ledger = "external_id;unit;booking_date;period;kind;debit;credit\n" + (
        "KF-1;L1;2026-01-01;2026-01;charge;10,00;\n" * 500
    )
    response = staff.post(
        reverse("ledger_imports:upload"),
        {
            "kind": "ledger",
            "source": "fk",
            "file": SimpleUploadedFile("ksiegi.csv", ledger.encode(), "text/csv"),
        },
    )
    assert_clear_error(response)
    assert DataImport.objects.count() == 0
    assert files_under(broken_media) == set()


@pytest.mark.django_db
def test_discrepancy_report_attachment(django_user_model, broken_media):
    user, party, units = make_resident(
        django_user_model, number="700001", name="Celina Gamma"
    )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.post(
        reverse("members:report-create", args=[units[0].pk]),
        {
            "message": "Brakuje wpłaty 450,00 zł z 5 marca.",
            "attachment": SimpleUploadedFile("potwierdzenie.pdf", PDF),
        },
    )
    assert_clear_error(response)
    assert DiscrepancyReport.objects.count() == 0
    assert files_under(broken_media) == set()


@pytest.mark.django_db
def test_document_upload_leaves_no_truncated_file_when_the_write_fails(
    staff, tmp_path, settings, monkeypatch
):
    """Without a mount: the disk "fills up" after the first bytes are written."""
    settings.MEDIA_ROOT = tmp_path

    def write_then_fail(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as partial:
            partial.write(content.read(1024))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(FileSystemStorage, "_save", write_then_fail)
    response = staff.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Wniosek o dostęp",
            "file": SimpleUploadedFile("wniosek.pdf", PDF, "application/pdf"),
            "collection": 1,
        },
    )
    assert_clear_error(response)
    assert get_document_model().objects.count() == 0
    assert files_under(tmp_path) == set()


def test_storage_errors_other_than_disk_faults_stay_server_errors():
    from cms import errors

    assert errors.is_storage_error(OSError(errno.ENOSPC, "full"))
    assert errors.is_storage_error(OSError(errno.EROFS, "read-only"))
    assert not errors.is_storage_error(OSError(errno.ECONNREFUSED, "refused"))
    assert not errors.is_storage_error(ValueError("x"))
