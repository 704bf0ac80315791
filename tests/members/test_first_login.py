"""First login with the office-issued password (rules §II.6): forced change."""

from django.test import Client

import pytest

from members.models import AuditEvent, UserSession

from .conftest import login

pytestmark = pytest.mark.django_db

CHANGE_URL = "/iok/password/"
MEMBER_URLS = ["/iok/", "/iok/security/", "/iok/security/app/", "/iok/anything/"]


def change(client, old, new, new2=None):
    return client.post(
        CHANGE_URL,
        {"old_password": old, "new_password1": new, "new_password2": new2 or new},
    )


@pytest.mark.parametrize("url", MEMBER_URLS)
def test_every_member_url_leads_to_the_change_form_until_changed(
    client, new_resident, url
):
    login(client, "100201", "start1")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == CHANGE_URL


def test_change_form_explains_why(client, new_resident):
    login(client, "100201", "start1")
    html = client.get(CHANGE_URL).content.decode()
    assert "Ustaw własne hasło" in html


def test_new_password_must_differ_from_the_first_one(client, new_resident):
    login(client, "100201", "start1")
    response = change(client, "start1", "start1")
    assert "Nowe hasło musi się różnić od obecnego." in response.content.decode()
    new_resident.refresh_from_db()
    assert new_resident.must_change_password


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abcdefgh", "Hasło musi zawierać co najmniej jedną cyfrę (0–9)."),
        ("a1b2", "Hasło jest za krótkie: musi mieć co najmniej 6 znaków (ma 4)."),
    ],
)
def test_change_form_names_the_rule_that_failed(
    client, new_resident, password, message
):
    login(client, "100201", "start1")
    response = change(client, "start1", password)
    assert message in response.content.decode()


def test_after_the_change_the_old_password_no_longer_works(client, new_resident):
    login(client, "100201", "start1")
    response = change(client, "start1", "lato2026")
    assert response["Location"] == "/iok/"
    assert client.get("/iok/").status_code == 200
    new_resident.refresh_from_db()
    assert not new_resident.must_change_password
    assert new_resident.password_changed_at is not None

    client.post("/iok/logout/")
    refused = login(Client(), "100201", "start1")
    assert refused.status_code == 200
    assert "Nieprawidłowy identyfikator lub hasło." in refused.content.decode()
    fresh = Client()
    assert login(fresh, "100201", "lato2026")["Location"] == "/iok/"
    assert fresh.get("/iok/").status_code == 200
    assert AuditEvent.objects.filter(
        event="password_changed", target_user=new_resident, details__first_login=True
    ).exists()


def test_password_change_rotates_the_key_and_ends_other_sessions(resident):
    here, elsewhere = Client(), Client()
    login(here, "100200", "lato2026")
    login(elsewhere, "100200", "lato2026")
    key_before = here.cookies["sessionid"].value
    assert UserSession.objects.filter(user=resident).count() == 2

    change(here, "lato2026", "zima2027")

    assert here.cookies["sessionid"].value != key_before
    assert here.get("/iok/").status_code == 200
    assert elsewhere.get("/iok/")["Location"].startswith("/iok/login/")
    assert list(
        UserSession.objects.filter(user=resident).values_list("session_key", flat=True)
    ) == [here.cookies["sessionid"].value]


def test_members_only_wagtail_pages_also_wait_for_the_change(client, new_resident):
    from wagtail.models import PageViewRestriction, Site

    page = Site.objects.get(is_default_site=True).root_page
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.LOGIN
    )
    login(client, "100201", "start1")
    assert client.get(page.url)["Location"] == CHANGE_URL
    change(client, "start1", "lato2026")
    assert client.get(page.url).status_code == 200
