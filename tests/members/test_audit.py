"""The audit trail: the service, the signal for the ledger app, the read-only admin."""

import sys
import types

from django.dispatch import Signal
from django.test import RequestFactory

import pytest

from members.audit import audit_record, connect_ledger_signal
from members.models import AuditEvent

from .conftest import make_resident

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


def test_the_ledger_app_can_audit_through_a_signal_without_importing_members(
    monkeypatch, staff_user
):
    module = types.ModuleType("ledger.signals")
    module.audit_event = Signal()
    monkeypatch.setitem(sys.modules, "ledger.signals", module)
    assert connect_ledger_signal()
    module.audit_event.send(
        sender=None, event="data_import", actor=staff_user, file="saldo.csv"
    )
    assert AuditEvent.objects.filter(
        event="data_import", actor=staff_user, details__file="saldo.csv"
    ).exists()


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
