"""Issue 12, items 9, 11 (login) and 14: the login's edges an attacker tries."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from .conftest import login, totp_now

pytestmark = pytest.mark.django_db


# --- Item 9: Wagtail's password-only login ----------------------------------------


def test_wagtail_util_login_does_not_log_in_without_the_second_factor(resident):
    """A resident who turned 2FA on: the password alone must not open a session,
    whatever login form the attacker finds."""
    TOTPDevice.objects.create(user=resident, name="telefon", confirmed=True)
    client = Client()
    response = client.post(
        "/_util/login/?next=/iok/",
        {"username": "100200", "password": "lato2026"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/iok/")["Location"].startswith("/iok/login/")


def test_wagtail_util_login_leads_to_the_member_login_keeping_next(client):
    response = client.get("/_util/login/?next=/ogloszenia/")
    assert response.status_code == 302
    assert response["Location"] == "/iok/login/?next=/ogloszenia/"


def test_member_login_still_asks_for_the_code_after_the_password(resident):
    device = TOTPDevice.objects.create(user=resident, name="telefon", confirmed=True)
    client = Client()
    response = login(client, "100200", "lato2026")
    assert response["Location"] == "/iok/login/code/"
    response = client.post("/iok/login/code/", {"code": totp_now(device)})
    assert response.status_code == 302
    assert client.get("/iok/").status_code == 200


# --- Item 11: crafted ``next`` ---------------------------------------------------


@pytest.mark.parametrize(
    "next_url", ["foo", "members:logout", "//evil.example/", "https://evil.example/"]
)
def test_crafted_next_on_the_login_page_is_ignored_not_a_500(resident, next_url):
    client = Client(raise_request_exception=False)
    assert client.get("/iok/login/", {"next": next_url}).status_code == 200
    response = client.post(
        f"/iok/login/?next={next_url}",
        {"username": "100200", "password": "lato2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/iok/"
    # Already logged in: the page redirects at once, with the same rule.
    response = client.get("/iok/login/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/iok/"


def test_a_path_on_this_site_is_still_followed_after_login(resident):
    response = Client().post(
        "/iok/login/?next=/iok/security/",
        {"username": "100200", "password": "lato2026"},
    )
    assert response["Location"] == "/iok/security/"


def test_crafted_next_after_the_code_step_is_ignored(resident):
    device = TOTPDevice.objects.create(user=resident, name="telefon", confirmed=True)
    client = Client(raise_request_exception=False)
    client.post("/iok/login/?next=foo", {"username": "100200", "password": "lato2026"})
    response = client.post("/iok/login/code/", {"code": totp_now(device)})
    assert response.status_code == 302
    assert response["Location"] == "/iok/"


# --- Item 14: any Unicode digit ----------------------------------------------------


def _messages(password: str) -> list[str]:
    with translation.override("pl"):
        try:
            validate_password(password)
        except ValidationError as error:
            return error.messages
    return []


@pytest.mark.parametrize("password", ["abcde²", "abcdef٣", "abcdef①", "abcdef９"])
def test_a_non_ascii_digit_does_not_meet_the_digit_rule(password):
    assert "Hasło musi zawierać co najmniej jedną cyfrę (0–9)." in _messages(password)


def test_the_change_form_refuses_a_superscript_digit(client, new_resident):
    login(client, "100201", "start1")
    response = client.post(
        "/iok/password/",
        {
            "old_password": "start1",
            "new_password1": "kwiatek²",
            "new_password2": "kwiatek²",
        },
    )
    assert "Hasło musi zawierać co najmniej jedną cyfrę (0–9)." in (
        response.content.decode()
    )
    new_resident.refresh_from_db()
    assert new_resident.must_change_password


def test_an_ascii_digit_still_meets_the_rule():
    assert _messages("kwiatek7") == []


# --- Item 10: the forced first-login change everywhere ------------------------------

CHANGE_URL = "/iok/password/"


@pytest.fixture
def notice_listing(db):
    """The public notice listing at /ogloszenia/ (it lists more to a logged-in
    reader than to a visitor)."""
    from wagtail.models import Page, Site

    from cms.models import NoticeIndexPage

    home = Site.objects.get(is_default_site=True).root_page
    index = NoticeIndexPage(title="Ogłoszenia", slug="ogloszenia")
    home.add_child(instance=index)
    index.save_revision().publish()
    assert Page.objects.get(pk=index.pk).url == "/ogloszenia/"
    return index


@pytest.fixture
def document(db, settings, tmp_path):
    from django.core.files.base import ContentFile

    from wagtail.documents import get_document_model

    settings.MEDIA_ROOT = tmp_path
    document = get_document_model()(title="Cennik")
    document.file.save("cennik.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    return document


def _forced_change(client, url):
    response = client.get(url)
    return response.status_code == 302 and response["Location"] == CHANGE_URL


def test_forced_change_holds_on_documents_and_the_notice_listing(
    new_resident, notice_listing, document
):
    client = Client()
    login(client, "100201", "start1")
    for url in ["/ogloszenia/", document.url, "/szukaj/?q=zebranie", "/"]:
        assert _forced_change(client, url), url
    # The change form itself, and what it needs, still answer.
    assert client.get(CHANGE_URL).status_code == 200
    assert client.get("/healthz").status_code == 200

    client.post(
        CHANGE_URL,
        {
            "old_password": "start1",
            "new_password1": "kwiatek77",
            "new_password2": "kwiatek77",
        },
    )
    for url in ["/ogloszenia/", document.url, "/"]:
        assert not _forced_change(client, url), url
    assert client.get("/ogloszenia/").status_code == 200


def test_a_visitor_is_not_sent_to_the_change_form(notice_listing):
    assert Client().get("/ogloszenia/").status_code == 200


def test_logout_still_works_during_the_forced_change(new_resident):
    client = Client()
    login(client, "100201", "start1")
    response = client.post("/iok/logout/")
    assert response["Location"] == "/iok/login/"
    assert "_auth_user_id" not in client.session
