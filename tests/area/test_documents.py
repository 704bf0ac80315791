"""Personal documents in the member area (issue 18): who may read them, how
they are served, marking them read, the dashboard card and the GDPR export."""

import datetime as dt
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

import pytest
import time_machine

from ledger.documents import add_document
from ledger.models import PersonalDocument, UnitRight
from ledger.pdf import Document, Letterhead
from members.audit import Event
from members.models import AuditEvent
from tests.area.conftest import NOON, make_resident


def pdf(text: str) -> bytes:
    document = Document(title=text, letterhead=Letterhead("SM Przykładowa"))
    document.paragraph(text)
    return document.to_bytes()


def give(party, unit, title="Zawiadomienie o zmianie opłat", day=dt.date(2025, 3, 1)):
    return add_document(
        party=party,
        unit=unit,
        kind=PersonalDocument.Kind.CHARGES_CHANGE,
        date=day,
        title=title,
        content=pdf(title),
    )


@pytest.fixture
def two(db, django_user_model):
    """Resident A with two documents (one read), resident B with one."""
    a_user, a_party, a_units = make_resident(
        django_user_model, number="610001", name="Anna Alfa"
    )
    b_user, b_party, b_units = make_resident(
        django_user_model, number="610002", name="Bożena Beta"
    )
    older = give(a_party, a_units[0], "Rozliczenie wody 2024", dt.date(2025, 1, 10))
    newer = give(
        a_party, a_units[0], "Zawiadomienie o zmianie opłat", dt.date(2025, 3, 1)
    )
    PersonalDocument.objects.filter(pk=older.pk).update(read_at=NOON)
    secret = give(b_party, b_units[0], "Saldo Bożeny Beta", dt.date(2025, 2, 1))
    return {
        "a": a_user,
        "a_unit": a_units[0],
        "older": older,
        "newer": newer,
        "b": b_user,
        "secret": secret,
    }


def download(client, document):
    return client.get(reverse("members:document-download", args=[document.pk]))


def test_the_list_shows_the_residents_documents_newest_first_unread_marked(
    client, two, django_assert_max_num_queries
):
    client.force_login(two["a"])
    with time_machine.travel(NOON, tick=False):
        client.get(reverse("members:dashboard"))  # the session's cached links
        with django_assert_max_num_queries(10):
            response = client.get(reverse("members:documents"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Zawiadomienie o zmianie opłat") < html.index(
        "Rozliczenie wody 2024"
    )
    assert html.count("document--unread") == 1
    assert "Saldo Bożeny Beta" not in html
    assert response.context["unread"] == 1


def test_the_query_count_does_not_grow_with_documents(
    client, two, django_assert_num_queries
):
    client.force_login(two["a"])
    with time_machine.travel(NOON, tick=False):
        client.get(reverse("members:dashboard"))
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("members:documents"))
        for index in range(5):
            give(two["older"].party, two["a_unit"], f"Pismo {index}")
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(reverse("members:documents"))


def test_download_is_private_named_in_polish_marked_read_and_audited(client, two):
    client.force_login(two["a"])
    with time_machine.travel(NOON, tick=False):
        response = download(client, two["newer"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''2025-03-01_Zawiadomienie_o_zmianie_op%C5%82at.pdf" in (
        disposition
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    two["newer"].refresh_from_db()
    assert two["newer"].read_at is not None
    audit = AuditEvent.objects.get(event=Event.DOCUMENT_DOWNLOADED)
    assert audit.actor == two["a"] and audit.details["document"] == two["newer"].pk


def test_another_residents_document_is_404_and_stays_unread(client, two):
    client.force_login(two["a"])
    with time_machine.travel(NOON, tick=False):
        assert download(client, two["secret"]).status_code == 404
        response = client.post(
            reverse("members:document-read", args=[two["secret"].pk])
        )
        assert response.status_code == 404
        assert client.get("/iok/dokumenty/99999999/pobierz/").status_code == 404
    two["secret"].refresh_from_db()
    assert two["secret"].read_at is None


def test_a_former_holder_loses_access_from_the_day_their_right_ends(client, two):
    right = UnitRight.objects.get(party=two["newer"].party, unit=two["a_unit"])
    right.valid_to = dt.date(2025, 3, 15)
    right.save()
    client.force_login(two["a"])
    last_day = dt.datetime(2025, 3, 15, 23, 0, tzinfo=NOON.tzinfo)
    with time_machine.travel(last_day, tick=False):
        assert download(client, two["newer"]).status_code == 200
    next_day = dt.datetime(2025, 3, 16, 0, 30, tzinfo=NOON.tzinfo)
    with time_machine.travel(next_day, tick=False):
        assert download(client, two["older"]).status_code == 404
        page = client.get(reverse("members:documents"))
        assert "Rozliczenie wody 2024" not in page.content.decode()


def test_mark_read_by_the_button(client, two):
    client.force_login(two["a"])
    with time_machine.travel(NOON, tick=False), translation.override("pl"):
        response = client.post(
            reverse("members:document-read", args=[two["newer"].pk]), follow=True
        )
        assert (
            client.get(
                reverse("members:document-read", args=[two["newer"].pk])
            ).status_code
            == 405
        )
    assert response.status_code == 200
    two["newer"].refresh_from_db()
    assert two["newer"].read_at is not None
    assert "document--unread" not in response.content.decode()


def test_the_dashboard_counts_unread_documents(client, two):
    client.force_login(two["a"])
    with time_machine.travel(NOON, tick=False):
        response = client.get(reverse("members:dashboard"))
    assert response.context["unread_documents"] == 1
    assert reverse("members:documents") in response.content.decode()


def test_the_documents_zone_switched_off_answers_410(client, two):
    from members.area.zones import zone_set

    zone_set("documents", "off")
    client.force_login(two["a"])
    with time_machine.travel(NOON, tick=False):
        assert download(client, two["newer"]).status_code == 410
        assert client.get(reverse("members:documents")).status_code == 410
        dashboard = client.get(reverse("members:dashboard"))
    assert reverse("members:documents") not in dashboard.content.decode()


def test_the_gdpr_export_lists_the_documents(client, two):
    from members.area.export import my_data

    data = my_data(user=two["a"])
    titles = [row["title"] for row in data["personal_documents"]]
    assert titles == ["Zawiadomienie o zmianie opłat", "Rozliczenie wody 2024"]
    assert "Saldo Bożeny Beta" not in json.dumps(data, default=str)


def test_a_new_document_e_mails_its_resident_only(
    db, django_user_model, django_capture_on_commit_callbacks
):
    """The notifications listen to ``personal_documents_added``: the
    resident the document is addressed to gets one e-mail naming it and
    linking the documents page (topic on by default); the other resident,
    who has an address too, gets nothing."""
    from django.core import mail

    a_user, a_party, a_units = make_resident(
        django_user_model, number="610011", name="Anna Alfa"
    )
    b_user, b_party, _b_units = make_resident(
        django_user_model, number="610012", name="Bożena Beta"
    )
    for party, address in ((a_party, "anna@example.pl"), (b_party, "b@example.pl")):
        party.email = address
        party.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        give(a_party, a_units[0], "Rozliczenie wody 2025")
    assert [message.to for message in mail.outbox] == [["anna@example.pl"]]
    (message,) = mail.outbox
    assert "Rozliczenie wody 2025" in message.body
    assert reverse("members:documents") in message.body
    assert "List-Unsubscribe" in message.extra_headers
