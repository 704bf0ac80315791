"""The public page cache (cms.middleware.PublicPageCacheMiddleware): anonymous
visitors share cached pages, which change as soon as an editor publishes; no
one else's page and no member page is ever served from it."""

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from cms.models import HomePage, NoticePage, SiteSettings

from .conftest import add_notice


def anonymous(**cookies) -> Client:
    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    return client


def test_second_anonymous_visit_is_served_from_the_cache_without_a_query(
    demo_site,
):
    first = anonymous().get("/")
    assert first.status_code == 200
    assert first["X-IOK-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = anonymous().get("/")
    assert second["X-IOK-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Length"] == str(len(first.content))
    # What a front proxy may keep: public, short, separately per cookie.
    for response in (first, second):
        cache_control = response["Cache-Control"]
        assert "public" in cache_control
        assert f"max-age={settings.IOK_PUBLIC_CACHE_MAX_AGE}" in cache_control
        assert f"s-maxage={settings.IOK_PUBLIC_CACHE_MAX_AGE}" in cache_control
        assert "Cookie" in response["Vary"]
    # The security headers of the outer middleware are on the hit as well.
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["Content-Language"] == "pl"


def test_a_published_notice_shows_at_once_on_the_cached_listing(notice_index):
    url = notice_index.url
    anonymous().get(url)
    assert anonymous().get(url)["X-IOK-Cache"] == "hit"

    notice = add_notice(notice_index, "nowy-przetarg", title="Przetarg na windy 2025")
    response = anonymous().get(url)
    assert "Przetarg na windy 2025" in response.content.decode()

    assert anonymous().get(url)["X-IOK-Cache"] == "hit"
    notice.unpublish()
    response = anonymous().get(url)
    assert "Przetarg na windy 2025" not in response.content.decode()


def test_an_edited_and_published_page_shows_at_once(demo_site):
    anonymous().get("/")
    assert anonymous().get("/")["X-IOK-Cache"] == "hit"
    home = HomePage.objects.get()
    home.welcome = "<p>Witamy na nowej stronie spółdzielni</p>"
    home.save_revision().publish()
    response = anonymous().get("/")
    assert response["X-IOK-Cache"] == "miss"
    assert "Witamy na nowej stronie spółdzielni" in response.content.decode()


def test_a_moved_notice_leaves_the_cached_listing(notice_index, demo_site):
    notice = add_notice(notice_index, "do-przeniesienia", title="Ogłoszenie ruchome")
    url = notice_index.url
    anonymous().get(url)
    assert "Ogłoszenie ruchome" in anonymous().get(url).content.decode()
    notice.move(demo_site, pos="last-child")
    response = anonymous().get(url)
    assert "Ogłoszenie ruchome" not in response.content.decode()


def test_a_changed_site_setting_shows_at_once_in_the_cached_footer(demo_site):
    anonymous().get("/")
    assert anonymous().get("/")["X-IOK-Cache"] == "hit"
    site_settings = SiteSettings.load()
    site_settings.phone = "77 123 45 67"
    site_settings.save()
    assert "77 123 45 67" in anonymous().get("/").content.decode()


def test_the_cache_keeps_each_language_apart(demo_site):
    cookie = settings.LANGUAGE_COOKIE_NAME
    polish = anonymous().get("/").content.decode()
    english = anonymous(**{cookie: "en"}).get("/")
    assert english["X-IOK-Cache"] == "miss"
    assert '<html lang="en">' in english.content.decode()
    assert "Log in to IOK" in english.content.decode()
    assert '<html lang="pl">' in polish
    again = anonymous().get("/")
    assert again["X-IOK-Cache"] == "hit"
    assert "Logowanie do IOK" in again.content.decode()
    assert anonymous(**{cookie: "en"}).get("/")["X-IOK-Cache"] == "hit"


def test_a_logged_in_visitor_never_gets_nor_leaves_a_cached_page(demo_site, resident):
    anonymous().get("/")  # stored for anonymous visitors
    client = Client()
    client.force_login(resident)
    mine = client.get("/")
    assert "X-IOK-Cache" not in mine
    assert "Moje konto (IOK)" in mine.content.decode()
    assert "private" in mine["Cache-Control"]
    assert "Cookie" in mine["Vary"]
    # Nothing of the logged-in page reached the anonymous visitors.
    shared = anonymous().get("/")
    assert shared["X-IOK-Cache"] == "hit"
    assert "Moje konto (IOK)" not in shared.content.decode()


def test_a_logged_in_first_visit_is_not_stored_for_anonymous_visitors(
    demo_site, resident
):
    client = Client()
    client.force_login(resident)
    client.get("/")
    response = anonymous().get("/")
    assert response["X-IOK-Cache"] == "miss"
    assert "Logowanie do IOK" in response.content.decode()


def test_a_member_page_is_never_served_from_the_public_cache(member_client):
    first = member_client.get("/iok/")
    assert first.status_code == 200
    second = member_client.get("/iok/")
    assert "X-IOK-Cache" not in second
    assert "no-store" in second["Cache-Control"]
    assert "public" not in second["Cache-Control"]
    # An anonymous visitor is sent to the login page, never given the page.
    response = anonymous().get("/iok/")
    assert response.status_code == 302
    assert "X-IOK-Cache" not in response


def test_a_residents_only_notice_is_not_cached_for_anyone(notice_index):
    notice = add_notice(
        notice_index,
        "tylko-dla-mieszkancow",
        title="Tylko dla mieszkańców",
        audience=NoticePage.Audience.RESIDENTS,
    )
    for _attempt in range(2):
        response = anonymous().get(notice.url)
        assert response.status_code == 302
        assert "X-IOK-Cache" not in response


@pytest.mark.parametrize("cookie", ["messages", settings.SESSION_COOKIE_NAME])
def test_a_visitor_with_messages_or_a_session_gets_a_page_of_their_own(
    demo_site, cookie
):
    anonymous().get("/")
    response = anonymous(**{cookie: "anything"}).get("/")
    assert response.status_code == 200
    assert "X-IOK-Cache" not in response


def test_a_query_string_is_never_cached(demo_site):
    for _attempt in range(2):
        response = anonymous().get("/", {"q": "remont"})
        assert "X-IOK-Cache" not in response
