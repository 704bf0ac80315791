"""The admin speaks Polish. (``check --deploy`` with the production settings
is tested in ``tests/members/test_security_headers.py``.)"""

from django.test import Client


def test_wagtail_admin_login_page_is_in_polish(client: Client, db):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="pl"' in html
    assert "Zaloguj się" in html
