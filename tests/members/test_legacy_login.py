"""The previous IOK's login address (rules §II.8) as residents type or keep it
(issue 14, point 9): any letter case, with or without ``.aspx`` and a trailing
slash, leads to the login form."""

from django.test import Client

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/InetObsKontr/LoginPage",
        "/inetobskontr/loginpage",
        "/INETOBSKONTR/LOGINPAGE",
        "/InetObsKontr/LoginPage/",
        "/InetObsKontr/LoginPage.aspx",
        "/inetobskontr/loginpage.ASPX/",
    ],
)
@pytest.mark.django_db
def test_old_login_addresses_redirect_to_the_login_form(client: Client, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == "/iok/login/"


@pytest.mark.parametrize(
    "path", ["/InetObsKontr/LoginPageX", "/InetObsKontr/Login.aspx", "/x/LoginPage"]
)
@pytest.mark.django_db
def test_other_addresses_are_not_taken_for_the_login_page(client: Client, path):
    response = client.get(path, follow=True)
    assert response.status_code == 404
