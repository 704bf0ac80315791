from django.test import Client

import pytest


@pytest.mark.django_db
def test_legacy_login_address_redirects_permanently_on_any_host(client: Client):
    for host in ("iok.smlw.opole.pl", "www.iok.smlw.opole.pl"):
        response = client.get("/InetObsKontr/LoginPage", HTTP_HOST=host)
        assert response.status_code == 301
        assert response["Location"] == "/iok/login/"


def test_polish_is_the_default_language(settings):
    assert settings.LANGUAGE_CODE == "pl"
    assert [code for code, _name in settings.LANGUAGES] == ["pl", "en"]
