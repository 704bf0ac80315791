"""The accountant's upload screen: dry run, confirmation, background task."""

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from ledger.models import DataImport, LedgerEntry
from ledger.roles import ACCOUNTANTS, REGISTRARS
from tests.conftest import log_in_verified_staff

from .conftest import SAMPLES, fingerprint, import_alive

UPLOAD = "/admin/ledger-imports/"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def new_imports(before: set[int]):
    return DataImport.objects.exclude(pk__in=before).order_by("pk")


def existing() -> set[int]:
    return set(DataImport.objects.values_list("pk", flat=True))


def upload(client, name, content: bytes, kind="ledger", **extra):
    data = {
        "kind": kind,
        "file": SimpleUploadedFile(name, content, content_type="text/csv"),
        "source": "fk",
        "replace_period": "",
        "encoding": "",
        **extra,
    }
    return client.post(UPLOAD, data)


def test_dry_run_then_confirm_imports_the_file(staff_client, structure, private_media):
    content = (SAMPLES / "ledger.csv").read_bytes()
    before = fingerprint()
    earlier = existing()

    response = upload(staff_client, "ksiegowania-2026.csv", content)

    assert response.status_code == 302
    dry_run = new_imports(earlier).get()
    assert response["Location"] == reverse("ledger_imports:status", args=[dry_run.pk])
    assert dry_run.status == DataImport.Status.DRY_RUN
    assert dry_run.started_by == staff_client.user and dry_run.task_id
    assert fingerprint() == before  # a dry run saves nothing
    stored = list((private_media / "imports").iterdir())
    assert len(stored) == 1 and stored[0].read_bytes() == content
    assert "ksiegowania" not in stored[0].name  # a random name, not the user's

    page = staff_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "ksiegowania-2026.csv" in html
    assert f'action="{reverse("ledger_imports:confirm", args=[dry_run.pk])}"' in html
    assert 'http-equiv="refresh"' not in html  # finished: no more refreshing
    assert "<td>22</td>" in html  # rows in the file, and inserted

    confirmed = staff_client.post(reverse("ledger_imports:confirm", args=[dry_run.pk]))

    run = new_imports(earlier).exclude(pk=dry_run.pk).get()
    assert confirmed["Location"] == reverse("ledger_imports:status", args=[run.pk])
    assert run.status == DataImport.Status.SUCCEEDED
    assert (run.inserted, run.rows_total, run.started_by) == (22, 22, staff_client.user)
    assert LedgerEntry.objects.count() == 22
    # The same confirmation cannot run twice.
    again = staff_client.post(reverse("ledger_imports:confirm", args=[dry_run.pk]))
    assert again.status_code == 302 and new_imports(earlier).count() == 2


def test_rejected_file_shows_every_error_and_cannot_be_confirmed(
    staff_client, structure
):
    content = (SAMPLES / "ledger.csv").read_text(encoding="utf-8")
    content = content.replace("158,90", "158,9O").replace("L-CHA52-02;", "L-XX;", 1)
    before = fingerprint()
    earlier = existing()

    response = upload(staff_client, "zle.csv", content.encode())

    record = new_imports(earlier).get()
    assert record.status == DataImport.Status.FAILED
    page = staff_client.get(response["Location"]).content.decode()
    assert "line 2, column 8" in page or "wiersz 2, kolumna 8" in page
    assert "158,9O" in page and "L-XX" in page
    assert reverse("ledger_imports:confirm", args=[record.pk]) not in page
    assert fingerprint() == before
    refused = staff_client.post(reverse("ledger_imports:confirm", args=[record.pk]))
    assert refused.status_code == 404
    assert new_imports(earlier).count() == 1


def test_file_already_imported_is_not_offered_again(staff_client, structure):
    content = (SAMPLES / "ledger.csv").read_bytes()
    earlier = existing()
    upload(staff_client, "a.csv", content)
    first = new_imports(earlier).get()
    staff_client.post(reverse("ledger_imports:confirm", args=[first.pk]))
    response = upload(staff_client, "a-again.csv", content)
    dry_run = DataImport.objects.order_by("-pk").first()
    page = staff_client.get(response["Location"]).content.decode()
    assert reverse("ledger_imports:confirm", args=[dry_run.pk]) not in page
    assert new_imports(earlier).filter(status="succeeded").count() == 1


def test_invalid_form_is_shown_again(staff_client):
    response = upload(staff_client, "x.pdf", b"%PDF-1.4", replace_period="")
    assert response.status_code == 200
    assert not DataImport.objects.exists()
    response = upload(
        staff_client,
        "u.csv",
        b"code;building;number\n",
        kind="units",
        replace_period="2026-01",
    )
    assert response.status_code == 200 and not DataImport.objects.exists()


def test_running_import_page_refreshes_and_shows_progress(staff_client):
    running = DataImport.objects.create(
        kind="ledger",
        file_name="duzy.csv",
        checksum="0" * 64,
        status=DataImport.Status.RUNNING,
        rows_total=1_000_000,
        progress=400_000,
    )
    with import_alive(running.pk):
        html = staff_client.get(
            reverse("ledger_imports:status", args=[running.pk])
        ).content
    html = html.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert '<progress max="100" value="40">' in html
    assert (
        "<script>" not in html.split("<body")[0].split('http-equiv="refresh"')[1][:200]
    )


def test_menu_offers_the_screen_inside_records(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert UPLOAD in html


@pytest.mark.django_db
def test_only_accountants_may_import(client, django_user_model):
    admin_access = Permission.objects.get(codename="access_admin")
    registrar = django_user_model.objects.create_user(username="rej", password="x1")
    registrar.groups.add(Group.objects.get(name=REGISTRARS))
    registrar.user_permissions.add(admin_access)
    log_in_verified_staff(client, registrar)
    # Wagtail turns PermissionDenied into a redirect to the dashboard.
    refused = client.get(UPLOAD)
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    content = (SAMPLES / "parties.csv").read_bytes()
    assert upload(client, "p.csv", content, kind="parties").status_code == 302
    assert not DataImport.objects.exists()
    assert UPLOAD not in client.get("/admin/").content.decode()

    accountant = django_user_model.objects.create_user(username="ks", password="x1")
    accountant.groups.add(Group.objects.get(name=ACCOUNTANTS))
    log_in_verified_staff(client, accountant)
    assert client.get(UPLOAD).status_code == 200


@pytest.mark.django_db
def test_anonymous_is_sent_to_the_login(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_dry_run_page_shows_each_change_and_warns_of_an_undone_decision(
    staff_client, structure, django_user_model
):
    from django.utils import translation

    from ledger.models import Party
    from members.area.services import (
        contact_change_request_create,
        contact_change_request_decide,
    )

    resident = django_user_model.objects.create_user("mieszkaniec", password="x")
    party = Party.objects.get(number="200101")
    change = contact_change_request_create(
        party=party, user=resident, phone="699 000 111"
    )
    contact_change_request_decide(
        change=change, staff_user=staff_client.user, confirm=True
    )
    content = (SAMPLES / "parties.csv").read_text(encoding="utf-8")
    content = content.replace("Jan Nowak", "Jan Nowak-Kos")
    earlier = existing()

    with translation.override("pl"):
        response = upload(staff_client, "kontrahenci.csv", content.encode(), "parties")
        page = staff_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="pl")
    html = page.content.decode()

    dry_run = new_imports(earlier).get()
    assert dry_run.status == DataImport.Status.DRY_RUN
    assert "Co import by zmienił" in html
    assert "<strong>phone</strong>: 699 000 111 → 600 100 200" in html
    assert "<strong>name</strong>: Jan Nowak → Jan Nowak-Kos" in html
    assert html.count('class="import-change-undoes"') == 1  # 200101 only
    assert "plik cofnąłby tę zmianę" in html
    assert "<th>Usunięte</th>" in html and "Zdemontowany" not in html
