"""The one member menu (issue 14, point 2) and the shared form field template
(point 10): the same entries on every member page, the current page marked
once, in the visitor's language; help and errors tied to their fields."""

import re

from django.conf import settings
from django.urls import reverse

import pytest

from members.area.zones import MENU

MENU_PAGES = [
    "members:dashboard",
    "members:payments",
    "members:loans",
    "members:meters",
    "members:notices",
    "community-notices",
    "members:membership",
    "members:contact",
    "members:reports",
    "members:my-data",
    "members:security",
    "members:password-change",
]


def menu_of(html: str) -> str:
    match = re.search(r'<details class="member-nav".*?</details>', html, re.S)
    assert match, "the member menu is on the page"
    return match.group(0)


def current_links(menu: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', menu)


@pytest.mark.parametrize("url_name", MENU_PAGES)
def test_every_member_page_shows_the_whole_menu_with_itself_current(
    resident_client, url_name
):
    url = reverse(url_name)
    response = resident_client.get(url)
    assert response.status_code == 200
    menu = menu_of(response.content.decode())
    for item in MENU:
        assert f'href="{item.url}"' in menu, item.url_name
    assert 'href="/iok/ogloszenia-wspolnot/"' in menu  # community notices too
    assert current_links(menu) == [url]
    # Collapsed in the HTML (area.js opens it on wide screens): on a phone the
    # page's own content comes first.
    assert '<details class="member-nav" id="member-menu" data-member-menu>' in menu


def test_the_cached_menu_follows_the_page_and_the_language(resident_client):
    """The fragment cache keeps one menu per page and language: visiting two
    pages in turn, and then in English, never shows another page's menu."""
    for _round in range(2):
        for url_name in ("members:payments", "members:loans"):
            url = reverse(url_name)
            menu = menu_of(resident_client.get(url).content.decode())
            assert current_links(menu) == [url]
            assert "Płatności" in menu
    resident_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    menu = menu_of(resident_client.get(reverse("members:payments")).content.decode())
    assert ">Payments<" in menu
    assert "Płatności" not in menu
    assert current_links(menu) == [reverse("members:payments")]


def ids_and_references(html: str) -> tuple[set[str], list[str]]:
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    refs = []
    for value in re.findall(r'aria-describedby="([^"]+)"', html):
        refs += value.split()
    return ids, refs


def test_password_help_is_valid_html_and_described_by_existing_ids(resident_client):
    html = resident_client.get(reverse("members:password-change")).content.decode()
    ids, refs = ids_and_references(html)
    assert "id_new_password1_helptext" in refs
    assert set(refs) <= ids
    # Django's password validators' help is a <ul>: never inside a <p>.
    assert not re.search(r"<p[^>]*>(?:(?!</p>).)*<ul", html, re.S)


def test_field_errors_are_announced_with_their_field(resident_client):
    response = resident_client.post(
        reverse("members:password-change"),
        {"old_password": "wrong", "new_password1": "a", "new_password2": "b"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    ids, refs = ids_and_references(html)
    assert "id_old_password_error" in refs
    assert set(refs) <= ids
    old = re.search(r'<input[^>]*name="old_password"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in old
    assert 'aria-describedby="id_old_password_error"' in old
