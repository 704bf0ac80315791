"""robots.txt, favicon.ico, sitemap.xml and the language switch (issue 14,
points 9 and 12): what a crawler, a browser tab and a visitor who reads
English get."""

import xml.etree.ElementTree as ET

from django.conf import settings
from django.test import Client

import pytest

from cms.models import NoticePage

from .conftest import add_notice

pytestmark = pytest.mark.usefixtures("demo_site")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def sitemap_paths(client: Client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    locations = [loc.text for loc in root.iter(f"{SITEMAP_NS}loc")]
    return ["/" + loc.split("/", 3)[3] for loc in locations]


def test_robots_txt_keeps_crawlers_out_of_the_member_area_and_admin(client: Client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /iok/" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_favicon_is_served_at_the_root_as_an_icon(client: Client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    # Every page points at it.
    assert (
        'rel="icon" href="/favicon.ico"' in client.get("/iok/login/").content.decode()
    )


def test_sitemap_lists_public_pages_only(client: Client, notice_index):
    public = add_notice(notice_index, "komunikat-publiczny", title="Publiczny")
    private = add_notice(
        notice_index,
        "tylko-dla-mieszkancow",
        title="Poufne",
        audience=NoticePage.Audience.RESIDENTS,
    )
    paths = sitemap_paths(client)
    assert "/" in paths
    assert public.url in paths
    assert notice_index.url in paths
    assert private.url not in paths
    assert not [path for path in paths if path.startswith(("/iok/", "/admin/"))]
    # The housing communities' subtree is for their owners only.
    assert not [path for path in paths if "ogloszenia-wspolnot" in path]


def test_the_language_switch_sets_a_cookie_and_keeps_the_address(client: Client):
    html = client.get("/kontakt/").content.decode()
    assert '<html lang="pl">' in html
    assert 'action="/i18n/setlang/"' in html
    assert 'value="en" lang="en">English' in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/kontakt/"})
    assert response.status_code == 302
    assert response["Location"] == "/kontakt/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = client.get("/kontakt/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert 'value="pl" lang="pl">Polski' in html
    # The page's own (CMS) content stays Polish and says so.
    assert '<h1 lang="pl">Kontakt</h1>' in html

    client.post("/i18n/setlang/", {"language": "pl", "next": "/kontakt/"})
    assert '<html lang="pl">' in client.get("/kontakt/").content.decode()


def test_the_switch_works_without_a_csrf_token_since_cached_pages_carry_none():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.parametrize(
    ("data", "location"),
    [
        ({"language": "xx", "next": "/kontakt/"}, "/kontakt/"),
        ({"language": "en", "next": "https://evil.example/"}, "/"),
    ],
)
def test_the_switch_refuses_an_unknown_language_and_a_foreign_next(
    client: Client, data, location
):
    response = client.post("/i18n/setlang/", data)
    assert response.status_code == 302
    assert response["Location"] == location
    if data["language"] == "xx":
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
