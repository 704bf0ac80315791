"""Documents and images by audience (issue 12, items 1, 2 and 13).

Every document and image is for the audience of its collection: the public,
residents, one housing community, or the office staff; a file whose collection
has no audience is for the staff only. Where it is referenced does not matter
(Wagtail's reference index, filled by the task queue in production, is never
asked), and private files are never kept by a cache.
"""

import importlib
import io

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.urls import reverse

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, ReferenceIndex

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image as PILImage

from cms.audiences import audience_collection, audience_of
from cms.models import Audience, CollectionAudience, NoticePage
from tests.cms.test_community_notices import give_unit, logged_in, make_resident
from tests.factories import HousingCommunityFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test"


def private(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "private" in cache_control and "no-store" in cache_control


def make_document(title: str, collection) -> object:
    document = get_document_model()(title=title, collection=collection)
    document.file.save(f"{title}.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# --- Item 1: a residents-only notice's attachment -------------------------------------


def test_the_residents_only_notices_attachment_is_not_public(client, demo_site):
    notice = NoticePage.objects.get(slug="walne-zgromadzenie-materialy")
    assert notice.is_residents_only
    document = notice.attachments.get().document
    assert document.url.startswith("/documents/")

    refused = client.get(document.url)

    assert refused.status_code == 302
    assert refused["Location"].startswith("/iok/login/")
    assert audience_of(document.collection).audience == Audience.RESIDENTS


def test_a_logged_in_resident_gets_it_never_cached(demo_site, django_user_model):
    document = (
        NoticePage.objects.get(slug="walne-zgromadzenie-materialy")
        .attachments.get()
        .document
    )
    resident = make_resident(django_user_model, None)

    response = logged_in(resident).get(document.url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert private(response), dict(response.headers)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_public_notices_attachment_stays_public(client, demo_site):
    notice = NoticePage.objects.get(slug="harmonogram-odczytow-podzielnikow")
    response = client.get(notice.attachments.get().document.url)
    assert response.status_code == 200


# --- Item 2: housing communities, with no task run ------------------------------------


def test_community_documents_are_refused_before_any_task_runs(media, django_user_model):
    first = HousingCommunityFactory(name="Wspólnota „Katowicka 7”")
    second = HousingCommunityFactory(name="Wspólnota „Ozimska 3”")
    documents = {
        community: make_document(
            f"uchwala-{community.pk}",
            audience_collection(Audience.COMMUNITY, community),
        )
        for community in (first, second)
    }
    ReferenceIndex.objects.all().delete()  # the worker has not run yet

    nobody = logged_in(make_resident(django_user_model, None))
    owner = logged_in(make_resident(django_user_model, first))

    for document in documents.values():
        assert Client().get(document.url).status_code == 302  # to the login page
        assert nobody.get(document.url).status_code == 404
    assert owner.get(documents[first].url).status_code == 200
    assert owner.get(documents[second].url).status_code == 404


def test_a_former_owner_loses_the_communitys_documents(media, django_user_model):
    import datetime

    community = HousingCommunityFactory()
    document = make_document(
        "plan-remontu", audience_collection(Audience.COMMUNITY, community)
    )
    former = make_resident(django_user_model, None)
    give_unit(
        former.party,
        community,
        valid_from=datetime.date(2015, 1, 1),
        valid_to=datetime.date(2020, 1, 1),
    )
    assert logged_in(former).get(document.url).status_code == 404


def test_a_new_community_gets_its_own_collection(db):
    community = HousingCommunityFactory(name="Wspólnota „Nowa 1”")
    row = CollectionAudience.objects.get(community=community)
    assert row.audience == Audience.COMMUNITY
    assert community.name in row.collection.name


# --- Fail closed, staff, second factor, first-login change --------------------------


def test_a_document_with_no_audience_is_for_the_staff_only(
    media, client, staff_client, django_user_model
):
    root = Collection.get_first_root_node()
    unsorted = make_document("notatka", root.add_child(name="Bez odbiorców"))
    resident = logged_in(make_resident(django_user_model, None))

    assert client.get(unsorted.url).status_code == 302
    assert resident.get(unsorted.url).status_code == 404
    response = staff_client.get(unsorted.url)
    assert response.status_code == 200
    assert private(response)


def test_a_sub_collection_takes_its_parents_audience(media, django_user_model):
    residents = audience_collection(Audience.RESIDENTS)
    document = make_document("protokol", residents.add_child(name="Protokoły"))
    assert Client().get(document.url).status_code == 302
    resident = logged_in(make_resident(django_user_model, None))
    assert resident.get(document.url).status_code == 200


def test_a_resident_with_a_second_factor_must_pass_it(media, django_user_model):
    document = make_document("protokol", audience_collection(Audience.RESIDENTS))
    resident = make_resident(django_user_model, None)
    TOTPDevice.objects.create(user=resident, name="telefon", confirmed=True)

    response = logged_in(resident).get(document.url)  # password only

    assert response.status_code == 302
    assert response["Location"].startswith("/iok/login/")


def test_the_office_issued_password_must_be_changed_first(media, django_user_model):
    document = make_document("protokol", audience_collection(Audience.RESIDENTS))
    resident = make_resident(django_user_model, None)
    resident.must_change_password = True
    resident.save(update_fields=["must_change_password"])

    response = logged_in(resident).get(document.url)

    assert response.status_code == 302
    assert response["Location"] == reverse("members:password-change")


# --- Item 13: image renditions, the notice listing ------------------------------------


def png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (40, 30), "blue").save(out, "PNG")
    return out.getvalue()


def make_image(collection):
    return get_image_model().objects.create(
        title="Plan klatki",
        file=ImageFile(io.BytesIO(png()), name="plan-klatki.png"),
        collection=collection,
    )


def test_renditions_of_a_private_image_are_not_public(media, client, django_user_model):
    image = make_image(audience_collection(Audience.RESIDENTS))
    rendition = image.get_rendition("max-20x20")

    refused = client.get(rendition.url)
    allowed = logged_in(make_resident(django_user_model, None)).get(rendition.url)

    assert refused.status_code == 302
    assert refused["Location"].startswith("/iok/login/")
    assert allowed.status_code == 200
    assert allowed["Content-Type"] == "image/png"
    assert private(allowed)


def test_renditions_of_a_communitys_image_are_for_its_owners(media, django_user_model):
    community = HousingCommunityFactory()
    image = make_image(audience_collection(Audience.COMMUNITY, community))
    rendition = image.get_rendition("max-20x20")
    outsider = logged_in(make_resident(django_user_model, None))
    owner = logged_in(make_resident(django_user_model, community))
    assert outsider.get(rendition.url).status_code == 404
    assert owner.get(rendition.url).status_code == 200


def test_a_file_under_images_with_no_rendition_is_not_served(media, client):
    image = make_image(audience_collection(Audience.PUBLIC))
    rendition = image.get_rendition("max-20x20")
    guessed = rendition.url.replace("max-20x20", "max-30x30")
    (media / guessed.removeprefix("/media/")).write_bytes(png())
    assert client.get(rendition.url).status_code == 200
    assert client.get(guessed).status_code == 404


def test_the_logged_in_notice_listing_is_never_cached(
    client, demo_site, django_user_model
):
    listing = "/ogloszenia/"
    anonymous = client.get(listing)
    assert anonymous.status_code == 200
    assert "no-store" not in anonymous.get("Cache-Control", "")

    response = logged_in(make_resident(django_user_model, None)).get(listing)

    assert response.status_code == 200
    assert "Walne Zgromadzenie" in response.content.decode()
    assert private(response)


def test_a_residents_only_notice_is_never_cached(demo_site, django_user_model):
    notice = NoticePage.objects.get(slug="walne-zgromadzenie-materialy")
    response = logged_in(make_resident(django_user_model, None)).get(notice.url)
    assert response.status_code == 200
    assert private(response)


# --- The data migration ---------------------------------------------------------------


def test_the_migration_moves_documents_by_their_references(demo_site):
    migration = importlib.import_module("cms.migrations.0005_collections_by_audience")
    root = Collection.get_first_root_node()
    residents_attachment = (
        NoticePage.objects.get(slug="walne-zgromadzenie-materialy")
        .attachments.get()
        .document
    )
    public_attachment = (
        NoticePage.objects.get(slug="harmonogram-odczytow-podzielnikow")
        .attachments.get()
        .document
    )
    unused = make_document("stary-cennik", root)
    get_document_model().objects.filter(
        pk__in=[residents_attachment.pk, public_attachment.pk]
    ).update(collection=root)

    migration.forwards(apps, None)

    def audience(document):
        document.refresh_from_db()
        return audience_of(document.collection).audience

    assert audience(residents_attachment) == Audience.RESIDENTS
    assert audience(public_attachment) == Audience.PUBLIC
    assert audience(unused) == Audience.PUBLIC  # as it was: public
    assert audience_of(root).audience == Audience.STAFF


# --- Never a public URL -------------------------------------------------------------


def test_private_documents_have_no_public_url(media, client, settings):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    document = make_document("protokol", audience_collection(Audience.RESIDENTS))
    assert document.url == f"/documents/{document.pk}/protokol.pdf"
    # The stored file itself is not under any served path.
    assert client.get(settings.MEDIA_URL + document.file.name).status_code == 404


def test_wagtails_own_view_applies_the_same_checks(
    media, rf, django_user_model, settings
):
    """Behind ``cms.media.document``: Wagtail's view, reached directly, still
    refuses an anonymous visitor and never lets a private file be cached."""
    from django.contrib.auth.models import AnonymousUser

    from wagtail.documents.views.serve import serve

    document = make_document("protokol", audience_collection(Audience.RESIDENTS))
    request = rf.get(document.url)
    request.user = AnonymousUser()
    assert serve(request, document.pk, "protokol.pdf").status_code == 302

    request = rf.get(document.url)
    request.user = make_resident(django_user_model, None)
    request.session = {}
    response = serve(request, document.pk, "protokol.pdf")
    assert response.status_code == 200
    assert response.content == PDF
    assert private(response)


def test_a_wagtail_group_restriction_on_top_still_applies(media, django_user_model):
    from django.contrib.auth.models import Group

    from wagtail.models import CollectionViewRestriction

    board = audience_collection(Audience.RESIDENTS).add_child(name="Zarząd")
    restriction = CollectionViewRestriction.objects.create(
        collection=board, restriction_type=CollectionViewRestriction.GROUPS
    )
    group = Group.objects.create(name="Rada Nadzorcza")
    restriction.groups.add(group)
    document = make_document("protokol-rady", board)
    outsider = make_resident(django_user_model, None)
    member = make_resident(django_user_model, None)
    member.groups.add(group)

    assert logged_in(outsider).get(document.url).status_code == 404
    assert logged_in(member).get(document.url).status_code == 200
