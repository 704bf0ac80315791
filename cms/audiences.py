"""The audience of a document or an image: its collection's (``cms.models.audience``).

``audience_of`` reads it (nearest collection up the tree that has one; none at
all → staff only, fail closed); ``audience_collection`` gives, creating it when
missing, the collection editors upload into for an audience, one per housing
community (created with the community, ``cms.signals``).
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import transaction

from wagtail.models import Collection

from cms.models.audience import Audience, CollectionAudience

#: Names of the collections created for each audience (editors see these).
COLLECTION_NAMES = {
    Audience.PUBLIC: "Publiczne",
    Audience.RESIDENTS: "Dla mieszkańców (po zalogowaniu)",
    Audience.STAFF: "Tylko biuro",
}
COMMUNITY_COLLECTION_NAME = "Wspólnota: {name}"


class FileAudience(NamedTuple):
    audience: str
    community_id: int | None = None


STAFF_ONLY = FileAudience(Audience.STAFF)


def audience_of(collection: Collection | None) -> FileAudience:
    """Who may read files of ``collection``: its own audience, else its nearest
    ancestor's, else the staff only."""
    if collection is None:
        return STAFF_ONLY
    rows = {
        row.collection_id: row
        for row in CollectionAudience.objects.filter(
            collection__in=collection.get_ancestors(inclusive=True)
        )
    }
    if not rows:
        return STAFF_ONLY
    nearest = (
        Collection.objects.filter(pk__in=rows).order_by("-depth").values_list("pk")
    )[0][0]
    row = rows[nearest]
    return FileAudience(row.audience, row.community_id)


@transaction.atomic
def audience_collection(audience: str, community=None) -> Collection:
    """The collection for ``audience`` (for ``community`` when it is one housing
    community's), created under the root collection when missing."""
    if audience == Audience.COMMUNITY:
        row = CollectionAudience.objects.filter(community=community).first()
        name = COMMUNITY_COLLECTION_NAME.format(name=community.name)
    else:
        community = None
        row = (
            CollectionAudience.objects.filter(audience=audience, community=None)
            .order_by("collection__depth", "pk")
            .first()
        )
        name = COLLECTION_NAMES[audience]
    if row is not None:
        return row.collection
    root = Collection.get_first_root_node() or Collection.add_root(name="Główna")
    collection = root.get_children().filter(name=name).first() or root.add_child(
        name=name
    )
    CollectionAudience.objects.create(
        collection=collection, audience=audience, community=community
    )
    return collection
