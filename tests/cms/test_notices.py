"""Notices: residents-only privacy, expiry, ordering, and the query budget."""

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

import pytest

from cms.models import NoticeIndexPage, NoticePage
from cms.queries import public_pages
from tests.conftest import log_in_verified_staff

from .conftest import add_notice

DAY = datetime.timedelta(days=1)


@pytest.fixture
def members_notice(notice_index) -> NoticePage:
    return add_notice(
        notice_index,
        "tajne-zebranie",
        title="Zebranie członków – materiały poufne",
        lead="Projekt planu remontów dachu na osiedlu Malinka.",
        audience=NoticePage.Audience.RESIDENTS,
    )


def test_residents_only_notice_redirects_anonymous_visitor_to_login(
    client: Client, members_notice
):
    response = client.get(members_notice.url)
    assert response.status_code == 302
    assert response["Location"] == f"/iok/login/?next={members_notice.url}"
    assert "no-store" in response["Cache-Control"]


def test_residents_only_notice_is_hidden_from_anonymous_listings(
    client: Client, members_notice, notice_index
):
    for url in ("/", notice_index.url):
        html = client.get(url).content.decode()
        assert members_notice.title not in html, url
        assert members_notice.url not in html, url


def test_residents_only_notice_is_hidden_from_search(client: Client, members_notice):
    html = client.get("/szukaj/", {"q": "remontów dachu"}).content.decode()
    assert members_notice.title not in html
    assert "Nie znaleziono wyników" in html
    # The same words on a public notice are found, so the search itself works.
    public = add_notice(
        members_notice.get_parent(),
        "dach-publicznie",
        title="Remont dachu – informacja",
        lead="Harmonogram remontów dachu na osiedlu Malinka.",
    )
    html = client.get("/szukaj/", {"q": "remontów dachu"}).content.decode()
    assert public.title in html
    assert members_notice.title not in html


def test_logged_in_resident_reads_and_sees_residents_only_notices(
    client: Client, resident, members_notice, notice_index
):
    client.force_login(resident)
    response = client.get(members_notice.url)
    assert response.status_code == 200
    assert "Projekt planu remontów dachu" in response.content.decode()
    assert members_notice.title in client.get(notice_index.url).content.decode()
    assert members_notice.title in client.get("/").content.decode()


def test_choosing_residents_audience_adds_a_login_restriction_and_public_removes_it(
    members_notice,
):
    restrictions = PageViewRestriction.objects.filter(page=members_notice)
    assert list(restrictions.values_list("restriction_type", flat=True)) == ["login"]
    assert not NoticePage.objects.public().filter(pk=members_notice.pk).exists()

    members_notice.audience = NoticePage.Audience.PUBLIC
    members_notice.save_revision().publish()
    assert not restrictions.exists()
    assert NoticePage.objects.public().filter(pk=members_notice.pk).exists()


def test_residents_only_notice_stays_locked_if_an_editor_removes_the_restriction(
    client: Client, members_notice
):
    PageViewRestriction.objects.filter(page=members_notice).delete()
    response = client.get(members_notice.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")
    html = client.get(members_notice.get_parent().url).content.decode()
    assert members_notice.title not in html


def test_group_restricted_notice_is_hidden_from_residents_outside_the_group(
    client: Client, resident, notice_index
):
    from django.contrib.auth.models import Group

    board = Group.objects.get(name="Zarząd")
    notice = add_notice(notice_index, "dla-zarzadu", title="Notatka dla Zarządu")
    restriction = PageViewRestriction.objects.create(
        page=notice, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(board)
    client.force_login(resident)
    assert notice.title not in client.get(notice_index.url).content.decode()
    resident.groups.add(board)
    # The board reaches the admin: office staff, who sign in with a second factor.
    log_in_verified_staff(client, resident)
    assert notice.title in client.get(notice_index.url).content.decode()


def test_public_pages_matches_wagtails_public_filter(members_notice):
    from wagtail.models import Page

    ours = set(public_pages(Page.objects.all()).values_list("pk", flat=True))
    wagtails = set(Page.objects.public().values_list("pk", flat=True))
    assert ours == wagtails
    assert members_notice.pk not in ours


def test_expired_notice_leaves_listings_but_its_url_still_works(
    client: Client, notice_index
):
    expired = add_notice(
        notice_index,
        "stare-ogloszenie",
        title="Odczyt wodomierzy w marcu",
        date=timezone.localdate() - 40 * DAY,
        valid_until=timezone.localdate() - DAY,
    )
    assert expired.title not in client.get("/").content.decode()
    assert expired.title not in client.get(notice_index.url).content.decode()

    response = client.get(expired.url)
    assert response.status_code == 200
    assert "znajduje się w archiwum" in response.content.decode()

    archive = client.get(notice_index.url + "archiwum/").content.decode()
    assert expired.title in archive


def test_notice_valid_until_today_is_still_listed(client: Client, notice_index):
    notice = add_notice(
        notice_index,
        "wazne-dzis",
        title="Ważne do dziś",
        valid_until=timezone.localdate(),
    )
    assert notice.title in client.get(notice_index.url).content.decode()


def test_pinned_notices_come_first_then_newest(client: Client, notice_index):
    today = timezone.localdate()
    NoticePage.objects.update(pinned=False)
    old_pinned = add_notice(
        notice_index, "przypiete", date=today - 30 * DAY, pinned=True
    )
    newest = add_notice(notice_index, "najnowsze", date=today)
    html = client.get(notice_index.url).content.decode()
    assert html.index(old_pinned.url) < html.index(newest.url)


def test_notice_cannot_expire_before_it_is_published(notice_index):
    from django.core.exceptions import ValidationError

    notice = NoticePage(
        title="Błędne daty",
        slug="bledne-daty",
        lead="x",
        date=timezone.localdate(),
        valid_until=timezone.localdate() - DAY,
    )
    with pytest.raises(ValidationError) as error:
        notice.full_clean()
    assert "valid_until" in error.value.message_dict


def test_notice_attachment_is_listed_and_downloads(client: Client, notice_index):
    notice = NoticePage.objects.get(slug="harmonogram-odczytow-podzielnikow")
    html = client.get(notice.url).content.decode()
    attachment = notice.attachments.get()
    assert "Załączniki" in html
    assert f'href="{attachment.document.url}"' in html
    download = client.get(attachment.document.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


# Measured: see the report; the budget leaves a little room for Wagtail upgrades.
ANONYMOUS_BUDGET = 10
RESIDENT_BUDGET = 14


def _queries_for(client: Client, url: str) -> int:
    client.get(url)  # warm the site-links cache, as in production
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_notices(index: NoticeIndexPage, start: int, stop: int) -> None:
    """Public and residents-only, pinned or not, some with an end date."""
    audiences = [NoticePage.Audience.PUBLIC, NoticePage.Audience.RESIDENTS]
    for number in range(start, stop):
        add_notice(
            index,
            f"masowe-{number}",
            audience=audiences[number % 2],
            pinned=number % 5 == 0,
            valid_until=timezone.localdate() + DAY if number % 3 else None,
        )


@pytest.mark.parametrize("url_name", ["home", "notices"])
def test_listing_query_count_does_not_grow_with_the_number_of_notices(
    client: Client, resident, notice_index, django_assert_max_num_queries, url_name
):
    url = "/" if url_name == "home" else notice_index.url
    NoticePage.objects.all().delete()
    _add_notices(notice_index, 0, 3)
    with_3 = _queries_for(client, url)
    _add_notices(notice_index, 3, 30)
    with_30 = _queries_for(client, url)
    assert with_3 == with_30
    with django_assert_max_num_queries(ANONYMOUS_BUDGET):
        client.get(url)

    client.force_login(resident)
    resident_3_vs_30 = _queries_for(client, url)
    with django_assert_max_num_queries(RESIDENT_BUDGET):
        client.get(url)
    NoticePage.objects.filter(slug__in=[f"masowe-{n}" for n in range(3, 30)]).delete()
    assert _queries_for(client, url) == resident_3_vs_30
