"""Login at /iok/login/ with identifier and password (rules §II.5, §II.8, §III.1)."""

import io
import re

from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

import pytest

from cms import demo as cms_demo
from cms.site_links import get_site_links
from members.models import AuditEvent

from .conftest import login
from .hashers import CountingHasher

pytestmark = pytest.mark.django_db

MEMBER_URLS = [
    "/iok/",
    "/iok/password/",
    "/iok/security/",
    "/iok/security/app/",
]


@pytest.fixture
def public_site(db):
    """The demo public site: rules, privacy clause and application form exist."""
    cache.clear()
    cms_demo.seed(stdout=io.StringIO())
    yield get_site_links()
    cache.clear()


def test_login_page_links_rules_privacy_and_application_and_explains_the_office(
    client, public_site
):
    response = client.get("/iok/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/zasady-iok/"' in html
    assert 'href="/rodo/"' in html
    assert public_site.application_form_url.startswith("/documents/")
    assert f'href="{public_site.application_form_url}"' in html
    # How to get an account (§II.1–3) and what to do after losing a password (§IV.3).
    assert "pokój 204" in html
    assert "dokument tożsamości" in html
    assert "Zgubione hasło?" in html


def test_member_area_links_the_rules_and_offers_logout(member_client, public_site):
    # §IV.4: the published rules are reachable from the member area.
    html = member_client.get("/iok/").content.decode()
    assert 'href="/zasady-iok/"' in html
    assert 'action="/iok/logout/"' in html


def test_legacy_login_address_leads_to_the_login_form(client):
    response = client.get("/InetObsKontr/LoginPage", follow=True)
    assert response.redirect_chain == [("/iok/login/", 301)]
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_resident_logs_in_with_identifier_and_password(client, resident):
    response = login(client, "100200", "lato2026")
    assert response.status_code == 302
    assert response["Location"] == "/iok/"
    dashboard = client.get("/iok/")
    assert dashboard.status_code == 200
    assert "Mieszkaniec 100200" in dashboard.content.decode()
    assert AuditEvent.objects.filter(event="login", target_user=resident).exists()


def test_session_key_rotates_at_login(client, resident):
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted_key = session.session_key
    client.cookies["sessionid"] = planted_key
    login(client, "100200", "lato2026")
    assert client.cookies["sessionid"].value != planted_key
    assert not Session.objects.filter(session_key=planted_key).exists()


def _page_text(response) -> str:
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_unknown_identifier_and_wrong_password_get_the_same_response(client, resident):
    wrong_password = login(Client(), "100200", "not-the-password1")
    unknown = login(Client(), "999999", "not-the-password1")
    assert wrong_password.status_code == unknown.status_code == 200
    assert "Nieprawidłowy identyfikator lub hasło." in wrong_password.content.decode()
    # Identical pages apart from the CSRF token and the echoed identifier.
    assert _page_text(wrong_password).replace("100200", "X") == _page_text(
        unknown
    ).replace("999999", "X")


def test_unknown_identifier_costs_one_password_hash_like_a_wrong_password(
    settings, resident
):
    # Similar timing without a timed test: both paths run the hasher exactly once.
    settings.PASSWORD_HASHERS = ["tests.members.hashers.CountingHasher"]
    resident.set_password("lato2026")
    resident.save()
    CountingHasher.calls = 0
    login(Client(), "100200", "wrong-password1")
    wrong_password_calls = CountingHasher.calls
    CountingHasher.calls = 0
    login(Client(), "nobody-here", "wrong-password1")
    assert wrong_password_calls == CountingHasher.calls == 1


def test_logout_needs_a_post(member_client, member):
    assert member_client.get("/iok/logout/").status_code == 405
    assert member_client.get("/iok/").status_code == 200
    response = member_client.post("/iok/logout/")
    assert response["Location"] == "/iok/login/"
    assert member_client.get("/iok/")["Location"].startswith("/iok/login/")
    assert AuditEvent.objects.filter(event="logout", target_user=member).exists()


@pytest.mark.parametrize("url", MEMBER_URLS)
def test_member_urls_send_anonymous_visitors_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/?next=")


@pytest.mark.parametrize("url", [*MEMBER_URLS, "/iok/login/"])
def test_member_area_responses_are_never_stored(member_client, url):
    response = member_client.get(url)
    assert "no-store" in response["Cache-Control"]


def test_admin_responses_are_never_stored(staff_client):
    assert "no-store" in staff_client.get("/admin/")["Cache-Control"]


def test_login_does_not_redirect_to_another_site(client, resident):
    response = client.post(
        "/iok/login/?next=https://evil.example/",
        {
            "username": "100200",
            "password": "lato2026",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/iok/"
