"""Documents and images get an audience from their collection (issue 12).

Creates the collections "Publiczne", "Dla mieszkańców (po zalogowaniu)", "Tylko
biuro" and one per housing community, gives every other top-level collection an
audience from its Wagtail restriction (none → public, login → residents, groups
or password → staff), and moves the files of the root collection (which has no
audience: staff only) and every document that is narrower than where it lies:

- a document attached to or linked from anything public (a public page, the site
  settings) or from nothing at all stays public, as it was;
- else one used by residents-only notices goes to the residents' collection;
- else one used by the notices of exactly one housing community goes to that
  community's collection (several communities: staff only, fail closed).

A document is never moved to a wider audience than it has. The references come
from the attachment tables and from Wagtail's reference index where it is filled.
"""

from django.db import migrations

PUBLIC, RESIDENTS, COMMUNITY, STAFF = "public", "residents", "community", "staff"
NARROWNESS = {PUBLIC: 0, RESIDENTS: 1, COMMUNITY: 2, STAFF: 3}
NAMES = {
    PUBLIC: "Publiczne",
    RESIDENTS: "Dla mieszkańców (po zalogowaniu)",
    STAFF: "Tylko biuro",
}
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(number: int) -> str:
    digits = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        digits = ALPHABET[digit] + digits
    return digits


def _add_child(Collection, root, name):
    last = (
        Collection.objects.filter(depth=root.depth + 1, path__startswith=root.path)
        .order_by("-path")
        .first()
    )
    number = int(last.path[-4:], 36) + 1 if last else 1
    child = Collection.objects.create(
        name=name, path=root.path + _step(number), depth=root.depth + 1, numchild=0
    )
    root.numchild += 1
    root.save(update_fields=["numchild"])
    return child


def forwards(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    Restriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    CollectionAudience = apps.get_model("cms", "CollectionAudience")
    HousingCommunity = apps.get_model("ledger", "HousingCommunity")
    Document = apps.get_model("wagtaildocs", "Document")
    Image = apps.get_model("wagtailimages", "Image")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    NoticePage = apps.get_model("cms", "NoticePage")
    CommunityNoticePage = apps.get_model("cms", "CommunityNoticePage")
    CommunityNoticeIndexPage = apps.get_model("cms", "CommunityNoticeIndexPage")
    NoticeAttachment = apps.get_model("cms", "NoticeAttachment")
    CommunityNoticeAttachment = apps.get_model("cms", "CommunityNoticeAttachment")
    SiteSettings = apps.get_model("cms", "SiteSettings")

    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return

    # 1. Top-level collections that exist keep who could read them.
    for collection in Collection.objects.filter(depth=2):
        if CollectionAudience.objects.filter(collection=collection).exists():
            continue
        kinds = set(
            Restriction.objects.filter(collection=collection).values_list(
                "restriction_type", flat=True
            )
        )
        audience = PUBLIC if not kinds else RESIDENTS if kinds == {"login"} else STAFF
        CollectionAudience.objects.create(collection=collection, audience=audience)

    # 2. One collection per audience and per housing community.
    by_audience = {}
    for audience, name in NAMES.items():
        row = CollectionAudience.objects.filter(
            audience=audience, community=None, collection__depth=2
        ).first()
        if row is None:
            row = CollectionAudience.objects.create(
                collection=_add_child(Collection, root, name), audience=audience
            )
        by_audience[audience] = row.collection_id
    by_community = {}
    for community in HousingCommunity.objects.order_by("code"):
        row = CollectionAudience.objects.filter(community=community).first()
        if row is None:
            row = CollectionAudience.objects.create(
                collection=_add_child(Collection, root, f"Wspólnota: {community.name}"),
                audience=COMMUNITY,
                community=community,
            )
        by_community[community.pk] = row.collection_id

    # Audience of every collection (the nearest top-level one; root: public, as
    # its files were served to anyone until now).
    tops = {
        row.collection.path: row.audience
        for row in CollectionAudience.objects.select_related("collection")
    }
    audience_of_collection = {}
    for collection in Collection.objects.all():
        audience_of_collection[collection.pk] = (
            PUBLIC if collection.depth == 1 else tops.get(collection.path[:8], PUBLIC)
        )

    # 3. Where each document is used.
    index_paths = list(
        CommunityNoticeIndexPage.objects.values_list("path", "community_id")
    )

    def community_of(path):
        for index_path, community_id in index_paths:
            if path.startswith(index_path):
                return community_id
        return None

    residents_pages = set(
        NoticePage.objects.filter(audience=RESIDENTS).values_list("pk", flat=True)
    )
    community_pages = {
        pk: community_of(path)
        for pk, path in CommunityNoticePage.objects.values_list("pk", "path")
    }
    uses = {}  # document id → set of ("public"|"residents"|community id)

    def use(document_id, page_id):
        if page_id in community_pages:
            what = community_pages[page_id]
        elif page_id in residents_pages:
            what = RESIDENTS
        else:
            what = PUBLIC
        uses.setdefault(int(document_id), set()).add(what)

    for page_id, document_id in NoticeAttachment.objects.values_list(
        "page_id", "document_id"
    ):
        use(document_id, page_id)
    for page_id, document_id in CommunityNoticeAttachment.objects.values_list(
        "page_id", "document_id"
    ):
        use(document_id, page_id)
    for document_id in SiteSettings.objects.exclude(application_form=None).values_list(
        "application_form_id", flat=True
    ):
        uses.setdefault(document_id, set()).add(PUBLIC)
    document_type = ContentType.objects.filter(
        app_label="wagtaildocs", model="document"
    ).first()
    page_models = {
        ct.pk
        for ct in ContentType.objects.filter(
            app_label="cms", model__in=["noticepage", "communitynoticepage"]
        )
    }
    if document_type is not None:
        for content_type_id, object_id, to_id in ReferenceIndex.objects.filter(
            to_content_type=document_type
        ).values_list("content_type_id", "object_id", "to_object_id"):
            if content_type_id in page_models:
                use(to_id, int(object_id))
            else:
                uses.setdefault(int(to_id), set()).add(PUBLIC)

    # 4. Move documents that are narrower than where they lie; root's files.
    for document in Document.objects.all():
        current = audience_of_collection.get(document.collection_id, STAFF)
        used = uses.get(document.pk, {PUBLIC})
        if PUBLIC in used:
            target, collection_id = PUBLIC, by_audience[PUBLIC]
        elif RESIDENTS in used:
            target, collection_id = RESIDENTS, by_audience[RESIDENTS]
        elif len(used) == 1 and next(iter(used)) in by_community:
            target = COMMUNITY
            collection_id = by_community[next(iter(used))]
        else:
            target, collection_id = STAFF, by_audience[STAFF]
        if NARROWNESS[target] < NARROWNESS[current]:
            continue  # never wider than it is
        if NARROWNESS[target] == NARROWNESS[current] and (
            target != COMMUNITY and document.collection_id != root.pk
        ):
            continue
        if document.collection_id != collection_id:
            document.collection_id = collection_id
            document.save(update_fields=["collection"])
    Image.objects.filter(collection=root).update(collection_id=by_audience[PUBLIC])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_collection_audience"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
