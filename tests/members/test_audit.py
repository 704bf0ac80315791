"""The audit trail: the service, real imports recorded through the ledger's
signal, the read-only admin."""

import io
from pathlib import Path

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.urls import reverse

import pytest

from ledger.models import DataImport
from members.audit import audit_record
from members.models import AuditEvent
from tests.conftest import log_in_verified_staff

from .conftest import User, make_resident

SAMPLES = Path(django_settings.BASE_DIR) / "docs" / "samples"

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_who_when_where_and_whom(staff_user):
    resident = make_resident("100700")
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4")
    row = audit_record(
        actor=staff_user,
        event="data_export",
        target=resident,
        request=request,
        rows=12,
    )
    assert row.actor == staff_user
    assert row.actor_username == "kierownik"
    assert row.target_user == resident
    assert row.target_party == resident.party
    assert row.ip_address == "198.51.100.4"
    assert row.details == {"rows": 12}
    assert row.created_at is not None


def test_audit_record_accepts_a_party_as_target(staff_user):
    resident = make_resident("100701")
    row = audit_record(actor=staff_user, event="staff_view", target=resident.party)
    assert row.target_party == resident.party
    assert row.target_user is None


def import_events():
    return AuditEvent.objects.filter(event="data_import").order_by("pk")


def test_an_import_by_the_command_is_in_the_audit_trail(staff_user):
    call_command(
        "import_data",
        "estates",
        str(SAMPLES / "estates.csv"),
        "--user",
        "kierownik",
        stdout=io.StringIO(),
    )

    run = DataImport.objects.get()
    row = import_events().get()
    assert row.actor == staff_user
    assert row.details == {
        "data_import": run.pk,
        "kind": "estates",
        "file": "estates.csv",
        "source": "fk",
        "sha256": run.checksum,
        "status": "succeeded",
        "dry_run": False,
        "rows": 2,
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "removed": 0,
        "errors": 0,
    }


def test_a_rejected_import_is_in_the_audit_trail_with_its_errors(tmp_path):
    bad = tmp_path / "osiedla.csv"
    bad.write_text("code;name\nOS-1;\n", encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_data", "estates", str(bad), stdout=io.StringIO())

    row = import_events().get()
    assert row.actor is None  # the command without --user
    assert row.details["file"] == "osiedla.csv"
    assert row.details["status"] == "failed"
    assert row.details["errors"] == 1
    assert row.details["inserted"] == 0


def test_an_upload_in_the_admin_is_audited_as_its_uploader(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    accountant = User.objects.create_superuser(
        username="ksiegowa", password="Haslo12345!", email="ksiegowa@example.org"
    )
    client = log_in_verified_staff(Client(), accountant)
    content = (SAMPLES / "estates.csv").read_bytes()

    response = client.post(
        "/admin/ledger-imports/",
        {
            "kind": "estates",
            "file": SimpleUploadedFile("osiedla-2026.csv", content, "text/csv"),
            "source": "fk",
            "replace_period": "",
            "encoding": "",
        },
    )
    dry_run = DataImport.objects.get()
    client.post(reverse("ledger_imports:confirm", args=[dry_run.pk]))

    events = list(import_events())
    assert response.status_code == 302
    assert [(e.actor, e.details["status"]) for e in events] == [
        (accountant, "dry_run"),
        (accountant, "succeeded"),
    ]
    assert events[1].details["file"] == "osiedla-2026.csv"
    assert events[1].details["inserted"] == 2


def test_staff_reading_resident_data_is_audited(registrar_client, registrar):
    make_resident("100702")
    registrar_client.get("/admin/members/accounts/", {"q": "100702"})
    row = AuditEvent.objects.filter(event="staff_view", actor=registrar).latest("id")
    assert row.details["path"] == "/admin/members/accounts/"
    assert row.details["query"] == "q=100702"


def test_authorised_staff_read_and_filter_the_audit_trail(registrar_client):
    make_resident("100703")
    audit_record(actor=None, event="login_failed", username="100703")
    page = registrar_client.get("/admin/members/auditevent/", {"event": "login_failed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "100703" in html


def test_nobody_can_edit_the_audit_trail_in_the_admin(staff_client):
    row = audit_record(actor=None, event="login_failed", username="x")
    for url in (
        "/admin/members/auditevent/create/",
        f"/admin/members/auditevent/edit/{row.pk}/",
        f"/admin/members/auditevent/delete/{row.pk}/",
    ):
        response = staff_client.post(url, {"event": "login"})
        assert response.status_code in (302, 403), url
    row.refresh_from_db()
    assert row.event == "login_failed"
    assert (
        staff_client.get(f"/admin/members/auditevent/inspect/{row.pk}/").status_code
        == 200
    )


def test_the_audit_trail_has_only_the_view_permission():
    assert AuditEvent._meta.default_permissions == ("view",)
