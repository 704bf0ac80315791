"""Housing-community notices: only the community's owners (today) and staff read
them, in listings, search, direct URLs and attachments; e-mail on publication."""

import datetime
import io

from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

import pytest

from cms.audiences import audience_collection
from cms.models import (
    Audience,
    CommunityNoticeAttachment,
    CommunityNoticeIndexPage,
    CommunityNoticeMailing,
    CommunityNoticePage,
    CommunityNoticeSectionPage,
    NoticePage,
)
from cms.queries import (
    community_notice_recipients,
    community_notices_for_user,
    public_pages,
)
from ledger.models import Unit, UnitRight
from members.notifications import COMMUNITY_NOTICES, preferences_set
from tests.factories import (
    BuildingFactory,
    HousingCommunityFactory,
    PartyFactory,
    UnitFactory,
    UnitRightFactory,
)

from .conftest import add_notice

DAY = datetime.timedelta(days=1)
LIST_URL = "/iok/ogloszenia-wspolnot/"
SECRET_WORDS = "wymiana dźwigu osobowego"


# --- Fixtures -----------------------------------------------------------------------


def give_unit(party, community, **right) -> UnitRight:
    """A right of ``party`` to a new flat in a building of ``community``."""
    building = BuildingFactory(community=community) if community else BuildingFactory()
    zone = Unit.Zone.COMMUNITY if community else Unit.Zone.COOPERATIVE
    unit = UnitFactory(building=building, zone=zone)
    right.setdefault("kind", UnitRight.Kind.SEPARATE_OWNERSHIP)
    return UnitRightFactory(party=party, unit=unit, **right)


def make_resident(django_user_model, community, *, email="", **right):
    """A resident account whose party holds a unit in ``community`` (or a
    cooperative flat when ``community`` is None)."""
    party = PartyFactory(email="")
    give_unit(party, community, **right)
    return django_user_model.objects.create_user(
        username=party.number, password="lato2026", party=party, email=email
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def community(db):
    return HousingCommunityFactory(name="Wspólnota Mieszkaniowa „Katowicka 7”")


@pytest.fixture
def other_community(db):
    return HousingCommunityFactory(name="Wspólnota Mieszkaniowa „Ozimska 3”")


@pytest.fixture
def section(demo_site) -> CommunityNoticeSectionPage:
    page = CommunityNoticeSectionPage(title="Ogłoszenia wspólnot", slug="wspolnoty")
    demo_site.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_index(section, community) -> CommunityNoticeIndexPage:
    index = CommunityNoticeIndexPage(
        title=community.name, slug=community.code.lower(), community=community
    )
    section.add_child(instance=index)
    index.save_revision().publish()
    return index


def add_community_notice(index, slug, **fields) -> CommunityNoticePage:
    fields.setdefault("title", slug.replace("-", " ").capitalize())
    fields.setdefault("lead", f"Lead of {slug}")
    notice = CommunityNoticePage(slug=slug, **fields)
    index.add_child(instance=notice)
    notice.save_revision().publish()
    return notice


@pytest.fixture
def index(section, community) -> CommunityNoticeIndexPage:
    return add_index(section, community)


@pytest.fixture
def other_index(section, other_community) -> CommunityNoticeIndexPage:
    return add_index(section, other_community)


@pytest.fixture
def notice(index) -> CommunityNoticePage:
    return add_community_notice(
        index,
        "dzwig",
        title="Modernizacja windy – uchwała właścicieli",
        lead=f"Zarząd wspólnoty planuje {SECRET_WORDS} w klatce B.",
    )


@pytest.fixture
def owner(django_user_model, community):
    return make_resident(django_user_model, community, email="wlasciciel@example.org")


@pytest.fixture
def outsider(django_user_model, other_community):
    """Owns a flat in another community and a cooperative flat, not in ours."""
    user = make_resident(django_user_model, other_community)
    give_unit(user.party, None, kind=UnitRight.Kind.COOP_OWNERSHIP)
    return user


# --- Who can read -------------------------------------------------------------------


def test_owner_reads_the_notice_and_finds_it_in_every_listing(
    owner, notice, index, section
):
    client = logged_in(owner)
    response = client.get(notice.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET_WORDS in html
    assert index.community.name in html
    assert "no-store" in response["Cache-Control"]
    for url in (index.url, LIST_URL):
        response = client.get(url)
        assert response.status_code == 200, url
        assert notice.title in response.content.decode(), url
        assert "no-store" in response["Cache-Control"], url
    assert index.community.name in client.get(section.url).content.decode()
    assert list(community_notices_for_user(user=owner)) == [notice]


def test_resident_outside_the_community_gets_404_and_empty_listings(
    outsider, notice, index, other_index, section
):
    other_notice = add_community_notice(other_index, "ich-ogloszenie")
    client = logged_in(outsider)
    for url in (notice.url, index.url, f"{index.url}archiwum/"):
        assert client.get(url).status_code == 404, url
    html = client.get(LIST_URL).content.decode()
    assert notice.title not in html
    assert other_notice.title in html  # their own community's notice is there
    section_html = client.get(section.url).content.decode()
    assert index.community.name not in section_html
    assert other_index.community.name in section_html
    assert list(community_notices_for_user(user=outsider)) == [other_notice]


def test_logged_in_user_without_a_party_gets_404(django_user_model, notice, index):
    client = logged_in(django_user_model.objects.create_user("gosc", password="x1"))
    assert client.get(notice.url).status_code == 404
    assert client.get(index.url).status_code == 404
    assert notice.title not in client.get(LIST_URL).content.decode()


def test_404_for_a_community_notice_looks_like_any_missing_page(outsider, notice):
    client = logged_in(outsider)
    refused = client.get(notice.url)
    missing = client.get(notice.url.replace("dzwig", "nie-ma-takiej"))
    assert refused.status_code == missing.status_code == 404
    assert notice.title not in refused.content.decode()


def test_anonymous_visitor_is_sent_to_login(client: Client, notice, index, section):
    for url in (notice.url, index.url, f"{index.url}archiwum/", section.url):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/iok/login/?next={url}", url
        assert "no-store" in response["Cache-Control"], url
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")


def test_staff_read_every_community(staff_client, notice, index, other_index):
    other_notice = add_community_notice(other_index, "ich-ogloszenie")
    for url in (notice.url, index.url, other_notice.url, other_index.url):
        assert staff_client.get(url).status_code == 200, url
    html = staff_client.get(LIST_URL).content.decode()
    assert notice.title in html and other_notice.title in html
    assert index.community.name in html and other_index.community.name in html


def test_former_owner_whose_right_ended_yesterday_no_longer_sees_it(
    django_user_model, community, notice, index
):
    today = timezone.localdate()
    former = make_resident(django_user_model, community, valid_to=today - DAY)
    leaving = make_resident(django_user_model, community, valid_to=today)
    future = make_resident(django_user_model, community, valid_from=today + DAY)

    for user in (former, future):
        client = logged_in(user)
        assert client.get(notice.url).status_code == 404
        assert client.get(index.url).status_code == 404
        assert notice.title not in client.get(LIST_URL).content.decode()
        assert list(community_notices_for_user(user=user)) == []
    # The last day of a right still counts.
    assert logged_in(leaving).get(notice.url).status_code == 200


def test_resident_with_the_office_password_is_sent_to_the_change_form(
    django_user_model, community, other_community, notice
):
    owner = make_resident(django_user_model, community)
    owner.must_change_password = True
    owner.save()
    response = logged_in(owner).get(notice.url)
    assert response.status_code == 302
    assert response["Location"] == "/iok/password/"
    # Someone outside the community learns nothing: every URL, existing or not,
    # leads to the change form alike (members.middleware, issue 12 item 10).
    outsider = make_resident(django_user_model, other_community)
    outsider.must_change_password = True
    outsider.save()
    client = logged_in(outsider)
    response = client.get(notice.url)
    missing = client.get(notice.url + "nie-ma-takiej/")
    assert (response.status_code, response["Location"]) == (
        missing.status_code,
        missing["Location"],
    )


def test_user_who_has_not_passed_the_second_factor_is_sent_to_login(owner, notice):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=owner, name="telefon", confirmed=True)
    response = logged_in(owner).get(notice.url)  # no OTP step in this session
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")


def test_serve_checks_access_itself_when_called_without_wagtails_hooks(
    rf, outsider, owner, notice
):
    """A custom view calling ``page.serve()`` directly skips before_serve_page;
    the page refuses on its own."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    request = rf.get(notice.url)
    request.user = AnonymousUser()
    response = notice.serve(request)
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")

    request.user = outsider
    with pytest.raises(Http404):
        notice.serve(request)

    request.user = owner
    response = notice.serve(request)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- Listings, search, Wagtail privacy ------------------------------------------------


def test_site_search_never_shows_a_community_notice(
    client: Client, owner, outsider, notice, staff_client
):
    public = add_notice(
        NoticePage.objects.first().get_parent(),
        "dzwig-publicznie",
        title="Przetarg na dźwigi",
        lead=f"Spółdzielnia ogłasza przetarg: {SECRET_WORDS} w budynkach.",
    )
    for who, visitor in (
        ("anonymous", client),
        ("outsider", logged_in(outsider)),
        ("owner", logged_in(owner)),
        ("staff", staff_client),
    ):
        html = visitor.get("/szukaj/", {"q": "dźwigu osobowego"}).content.decode()
        assert public.title in html, who  # the search itself works
        assert notice.title not in html, who
        assert notice.url not in html, who


def test_community_pages_carry_a_login_restriction_and_are_not_public(
    section, index, notice
):
    for page in (section, index):
        assert list(
            PageViewRestriction.objects.filter(page=page).values_list(
                "restriction_type", flat=True
            )
        ) == [PageViewRestriction.LOGIN]
    for model, page in (
        (CommunityNoticeSectionPage, section),
        (CommunityNoticeIndexPage, index),
        (CommunityNoticePage, notice),
    ):
        assert not model.objects.public().filter(pk=page.pk).exists()
        assert not public_pages(model.objects.all()).filter(pk=page.pk).exists()


def test_removing_the_wagtail_restriction_does_not_open_the_notices(
    client: Client, outsider, notice, index, section
):
    PageViewRestriction.objects.filter(page__in=[section, index]).delete()
    response = client.get(notice.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")
    assert logged_in(outsider).get(notice.url).status_code == 404
    html = client.get("/szukaj/", {"q": "dźwigu osobowego"}).content.decode()
    assert notice.title not in html


def test_listing_is_pinned_first_then_newest_and_moves_expired_to_the_archive(
    owner, index
):
    today = timezone.localdate()
    old = add_community_notice(index, "stare", date=today - 9 * DAY)
    pinned = add_community_notice(
        index, "przypiete", date=today - 20 * DAY, pinned=True
    )
    new = add_community_notice(index, "nowe", date=today - DAY)
    expired = add_community_notice(
        index, "po-terminie", date=today - 30 * DAY, valid_until=today - DAY
    )
    assert list(community_notices_for_user(user=owner)) == [pinned, new, old]
    assert community_notices_for_user(user=owner, limit=2) == [pinned, new]
    assert list(community_notices_for_user(user=owner, expired=True)) == [expired]
    client = logged_in(owner)
    assert expired.title not in client.get(index.url).content.decode()
    assert expired.title in client.get(f"{index.url}archiwum/").content.decode()
    # The notice keeps its address after it expires.
    assert client.get(expired.url).status_code == 200


def test_drafts_are_not_listed(owner, index):
    draft = CommunityNoticePage(title="Szkic ogłoszenia", slug="szkic", lead="x")
    index.add_child(instance=draft)
    draft.unpublish()
    assert list(community_notices_for_user(user=owner)) == []
    assert draft.title not in logged_in(owner).get(LIST_URL).content.decode()


def test_listing_queries_do_not_grow_with_the_number_of_notices(
    django_user_model, community, other_community, index, other_index
):
    owner = make_resident(django_user_model, community)
    give_unit(owner.party, other_community)
    client = logged_in(owner)
    add_community_notice(index, "pierwsze")

    def queries(url) -> int:
        # Publishing empties the site-wide links cache; any earlier page fills it.
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = {url: queries(url) for url in (LIST_URL, index.url)}
    for n in range(12):
        add_community_notice(index if n % 2 else other_index, f"kolejne-{n}")
    many = {url: queries(url) for url in (LIST_URL, index.url)}
    assert many == few
    assert max(many.values()) <= 20


def test_member_list_stays_within_a_fixed_query_budget(
    django_user_model, community, index, django_assert_max_num_queries
):
    owner = make_resident(django_user_model, community)
    for n in range(15):
        add_community_notice(index, f"ogloszenie-{n}")
    client = logged_in(owner)
    client.get(LIST_URL)  # fills the site-wide links cache, as any earlier page would
    with django_assert_max_num_queries(15):
        response = client.get(LIST_URL)
    assert response.content.decode().count('<article class="notice-item') == 15


# --- Attachments ----------------------------------------------------------------------


def make_document(title: str, collection=None):
    document = get_document_model()(title=title)
    if collection is not None:
        document.collection = collection
    document.file.save(f"{title}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    return document


def test_attachment_of_a_community_notice_is_served_only_to_its_readers(
    client: Client, owner, outsider, index, community, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = make_document(
        "uchwala-windy", audience_collection(Audience.COMMUNITY, community)
    )
    notice = CommunityNoticePage(title="Uchwała w sprawie windy", slug="uchwala")
    notice.lead = "Projekt uchwały w załączniku."
    notice.attachments.add(CommunityNoticeAttachment(document=document))
    index.add_child(instance=notice)
    notice.save_revision().publish()

    response = client.get(document.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")
    assert logged_in(outsider).get(document.url).status_code == 404
    assert logged_in(owner).get(document.url).status_code == 200


def test_a_document_is_for_its_collections_audience_wherever_it_is_attached(
    client: Client, notice, community, settings, tmp_path
):
    """Where a document is referenced no longer decides (issue 12, item 2): a
    public one stays public when a community notice attaches it too, and a
    community's one stays private when a public notice attaches it."""
    from cms.models import NoticeAttachment

    settings.MEDIA_ROOT = tmp_path
    public_document = make_document("harmonogram", audience_collection(Audience.PUBLIC))
    private_document = make_document(
        "uchwala", audience_collection(Audience.COMMUNITY, community)
    )
    for document in (public_document, private_document):
        notice.attachments.add(CommunityNoticeAttachment(document=document))
    notice.save_revision().publish()
    public = NoticePage.objects.live().filter(audience="public").first()
    for document in (public_document, private_document):
        public.attachments.add(NoticeAttachment(document=document))
    public.save_revision().publish()
    assert client.get(public_document.url).status_code == 200
    assert client.get(private_document.url).status_code == 302


# --- E-mail on publication ------------------------------------------------------------


@pytest.fixture
def community_residents(django_user_model, community, other_community):
    """Who lives where: two owners with e-mail in the community, and everyone who
    must not get the e-mail."""
    today = timezone.localdate()
    first = make_resident(django_user_model, community, email="anna@example.org")
    second = make_resident(django_user_model, community, email="")
    second.party.email = "bogdan@example.org"  # the party's address is used
    second.party.save()
    make_resident(django_user_model, community, email="")  # no address at all
    make_resident(
        django_user_model, community, email="byly@example.org", valid_to=today - DAY
    )
    make_resident(django_user_model, other_community, email="obcy@example.org")
    blocked = make_resident(django_user_model, community, email="zablok@example.org")
    blocked.blocked_at = timezone.now()
    blocked.save()
    # An owner without an IOK account.
    give_unit(PartyFactory(email="bez-konta@example.org"), community)
    # Everyone above chose the topic (issue 18: e-mails go only to owners who
    # opted in); one more owner with an address did not.
    for user in django_user_model.objects.all():
        preferences_set(user=user, choices={COMMUNITY_NOTICES: True})
    make_resident(django_user_model, community, email="nie-chce@example.org")
    return first, second


def publish_notifying(index, django_capture_on_commit_callbacks, **fields):
    notice = CommunityNoticePage(
        title="Awaria wodociągu",
        slug="awaria",
        lead="Jutro od 8:00 do 12:00 nie będzie wody w budynku.",
        notify_residents=True,
        **fields,
    )
    index.add_child(instance=notice)
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    return notice


def test_publishing_with_notification_emails_each_owner_who_opted_in_once(
    index, community_residents, django_capture_on_commit_callbacks
):
    notice = publish_notifying(index, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@example.org",
        "bogdan@example.org",
    ]
    assert all(len(message.to) == 1 for message in mail.outbox)
    message = mail.outbox[0]
    assert "Awaria wodociągu" in message.subject
    assert index.community.name in message.subject
    assert "Jutro od 8:00 do 12:00" in message.body
    assert notice.full_url in message.body
    assert "Zaloguj" in message.body or "zalogowaniu" in message.body
    # Only the owners who chose the topic: "nie-chce@example.org" did not.
    assert "nie-chce@example.org" not in [m.to[0] for m in mail.outbox]
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    mailing = CommunityNoticeMailing.objects.get(page=notice)
    assert mailing.sent_at is not None
    assert mailing.recipients_count == 2

    # Editing and publishing again sends nothing more.
    notice.title = "Awaria wodociągu – aktualizacja"
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    assert len(mail.outbox) == 2


def test_no_email_without_the_checkbox(
    index, community_residents, django_capture_on_commit_callbacks
):
    notice = add_community_notice(index, "bez-maila")
    with django_capture_on_commit_callbacks(execute=True):
        notice.save_revision().publish()
    assert mail.outbox == []
    assert not CommunityNoticeMailing.objects.exists()


def test_email_waits_for_the_publishing_transaction_to_commit(
    index, community_residents, django_capture_on_commit_callbacks
):
    notice = CommunityNoticePage(
        title="Przegląd gazowy", slug="gaz", lead="x", notify_residents=True
    )
    index.add_child(instance=notice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice.save_revision().publish()
    assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) >= 1


def test_recipients_are_the_communitys_owners_with_an_address(
    community, community_residents, django_user_model
):
    first, second = community_residents
    recipients = community_notice_recipients(
        community=community, on=timezone.localdate()
    )
    # Every owner with an address (who of them chose the e-mails is decided by
    # members.notifications).
    third = django_user_model.objects.get(email="nie-chce@example.org")
    assert sorted((user.pk, address) for user, address in recipients) == sorted(
        [
            (first.pk, "anna@example.org"),
            (second.pk, "bogdan@example.org"),
            (third.pk, "nie-chce@example.org"),
        ]
    )


# --- Demo -----------------------------------------------------------------------------


def test_demo_resident_100001_reads_community_notices_and_100002_does_not(
    demo_site,
):
    from cms import demo as cms_demo
    from ledger import demo as ledger_demo
    from members import demo as members_demo

    out = io.StringIO()
    ledger_demo.seed(units=26, years=1, stdout=out)
    cms_demo.seed_community_notices(stdout=out)
    members_demo.seed(stdout=out)
    counts = (
        CommunityNoticePage.objects.count(),
        CommunityNoticeIndexPage.objects.count(),
    )
    cms_demo.seed_community_notices(stdout=out)  # idempotent
    assert (
        (
            CommunityNoticePage.objects.count(),
            CommunityNoticeIndexPage.objects.count(),
        )
        == counts
        == (8, 2)
    )

    from members.models import User

    first = User.objects.get(username="100001")
    second = User.objects.get(username="100002")
    first.must_change_password = False
    first.save()
    visible = list(community_notices_for_user(user=first))
    assert visible
    assert {n.community_name for n in visible} == {
        first.party.rights.get(
            unit__zone=Unit.Zone.COMMUNITY
        ).unit.building.community.name
    }
    client = logged_in(first)
    assert visible[0].title in client.get(LIST_URL).content.decode()
    assert client.get(visible[0].url).status_code == 200

    assert list(community_notices_for_user(user=second)) == []
    assert logged_in(second).get(visible[0].url).status_code == 404


# --- Editors in the Wagtail admin -----------------------------------------------------


def test_editor_chooses_the_community_once_and_publishes_with_notification(
    staff_client,
    section,
    community,
    community_residents,
    django_capture_on_commit_callbacks,
):
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    add_url = f"/admin/pages/add/cms/communitynoticeindexpage/{section.pk}/"
    form = staff_client.get(add_url)
    assert form.status_code == 200
    assert community.name in form.content.decode()  # offered in the chooser
    data = nested_form_data(
        {
            "title": community.name,
            "slug": "katowicka-7",
            "community": community.pk,
            "intro": rich_text(""),
            "action-publish": "publish",
        }
    )
    response = staff_client.post(add_url, data)
    assert response.status_code == 302
    index = CommunityNoticeIndexPage.objects.get(community=community)
    # A second listing for the same community is refused.
    second = staff_client.post(add_url, {**data, "slug": "jeszcze-raz"})
    assert second.status_code == 200
    assert CommunityNoticeIndexPage.objects.filter(community=community).count() == 1

    notice_url = f"/admin/pages/add/cms/communitynoticepage/{index.pk}/"
    assert staff_client.get(notice_url).status_code == 200
    data = nested_form_data(
        {
            "title": "Odbiór śmieci wielkogabarytowych",
            "slug": "gabaryty",
            "date": timezone.localdate().isoformat(),
            "lead": "W sobotę przed budynkiem stanie kontener.",
            "body": streamfield([]),
            "attachments": inline_formset([]),
            "notify_residents": "on",
            "action-publish": "publish",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(notice_url, data)
    assert response.status_code == 302
    notice = CommunityNoticePage.objects.get(slug="gabaryty")
    assert notice.live
    assert sorted(m.to[0] for m in mail.outbox) == [
        "anna@example.org",
        "bogdan@example.org",
    ]


def test_member_area_dashboard_and_notices_page_list_only_own_community_notices(
    owner, outsider, notice
):
    for url in ("/iok/", "/iok/ogloszenia/"):
        owner_html = logged_in(owner).get(url).content.decode()
        assert notice.title in owner_html, url
        outsider_html = logged_in(outsider).get(url).content.decode()
        assert notice.title not in outsider_html, url


def test_dashboard_list_follows_publishing_and_rights_at_once(
    django_user_model, community, other_community, index, other_index
):
    """The dashboard keeps its short list in the cache: a new notice, an
    unpublished one and a sold flat show at once, and owners of another
    community never get this community's list."""
    owner = make_resident(django_user_model, community)
    neighbour = make_resident(django_user_model, other_community)
    client, neighbour_client = logged_in(owner), logged_in(neighbour)
    first = add_community_notice(index, "przeglad-gazowy", title="Przegląd gazowy")
    assert "Przegląd gazowy" in client.get("/iok/").content.decode()
    assert "Przegląd gazowy" not in neighbour_client.get("/iok/").content.decode()

    add_community_notice(index, "zebranie", title="Zebranie wspólnoty")
    html = client.get("/iok/").content.decode()
    assert "Przegląd gazowy" in html and "Zebranie wspólnoty" in html

    first.unpublish()
    assert "Przegląd gazowy" not in client.get("/iok/").content.decode()

    UnitRight.objects.filter(party=owner.party).update(
        valid_to=timezone.localdate() - DAY
    )
    assert "Zebranie wspólnoty" not in client.get("/iok/").content.decode()


def test_community_notice_pages_show_the_one_member_menu(owner, notice, index, section):
    """Issue 14: the community-notice pages carry the same member menu as the
    member area, with "Notices of my communities" as the current entry."""
    client = logged_in(owner)
    for url in (notice.url, index.url, section.url, LIST_URL):
        html = client.get(url).content.decode()
        menu = html[
            html.index('<details class="member-nav"') : html.index("</details>")
        ]
        assert 'href="/iok/platnosci/"' in menu, url
        assert '<a href="/iok/ogloszenia-wspolnot/" aria-current="page">' in menu, url
