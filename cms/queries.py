"""Reads for the public site: what a visitor may see, notices, rules versions."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith
from django.utils import timezone

from wagtail.models import Page, PageLogEntry, PageViewRestriction

from cms.models import NoticePage, RulesPage

PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")


def _pages_under(restrictions: QuerySet) -> QuerySet:
    """Ids of pages that are, or descend from, a page carrying one of ``restrictions``.

    Same result as Wagtail's ``.not_public()``, but as one sub-query whose size does
    not grow with the number of restrictions (every residents-only notice adds one),
    and usable inside ``.search()`` as a ``pk__in`` filter.
    """
    covering = restrictions.filter(StartsWith(OuterRef("path"), F("page__path")))
    return Page.objects.filter(Exists(covering)).values("pk")


def public_pages(queryset: QuerySet) -> QuerySet:
    """``queryset`` without pages in any private section (like ``.public()``)."""
    return queryset.exclude(pk__in=_pages_under(PageViewRestriction.objects.all()))


def visible_pages(queryset: QuerySet, user) -> QuerySet:
    """``queryset`` without the private pages ``user`` could not open."""
    if not user.is_authenticated:
        return public_pages(queryset)
    if user.is_superuser:
        return queryset
    in_users_groups = PageViewRestriction.objects.filter(groups__in=user.groups.all())
    refused = PageViewRestriction.objects.exclude(
        restriction_type=PageViewRestriction.LOGIN
    ).exclude(
        Q(restriction_type=PageViewRestriction.GROUPS)
        & Q(pk__in=in_users_groups.values("pk"))
    )
    return queryset.exclude(pk__in=_pages_under(refused))


def notices_for_listing(*, user, parent: Page | None = None, expired: bool = False):
    """Live notices ``user`` may open, pinned first, newest first.

    Current notices by default; ``expired=True`` gives the archive (valid until a
    day that has passed). Anonymous visitors never get residents-only notices,
    whether or not the page's privacy restriction is in place.
    """
    notices = NoticePage.objects.live().defer_streamfields()
    if parent is not None:
        notices = notices.child_of(parent)
    current = Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
    notices = notices.exclude(current) if expired else notices.filter(current)
    if not user.is_authenticated:
        notices = notices.filter(audience=NoticePage.Audience.PUBLIC)
    notices = visible_pages(notices, user)
    if expired:
        return notices.order_by("-valid_until", "-date", "-pk")
    return notices.order_by("-pinned", "-date", "-pk")


def search_public_pages(query: str):
    """Site search: published pages in no private section, best match first."""
    residents_only = NoticePage.objects.filter(audience=NoticePage.Audience.RESIDENTS)
    pages = public_pages(Page.objects.live().exclude(depth=1)).exclude(
        pk__in=residents_only.values("pk")
    )
    return pages.search(query)


@dataclass(frozen=True)
class RulesVersion:
    """One published version of the rules, read from a page revision."""

    revision_id: int
    resolution_number: str
    adopted_on: datetime.date | None
    effective_from: datetime.date | None
    published_at: datetime.datetime
    is_current: bool

    @property
    def resolution_label(self) -> str:
        adopted = self.adopted_on.strftime("%d.%m.%Y") if self.adopted_on else "?"
        return f"{self.resolution_number} ({adopted})"


def _as_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def rules_versions(page: RulesPage) -> list[RulesVersion]:
    """Every version of the rules ever published, newest effective date first.

    A version is a published revision; republishing the same resolution (a typo
    fixed) replaces that version rather than adding one.
    """
    entries = (
        PageLogEntry.objects.filter(
            page_id=page.pk, action__in=PUBLISH_ACTIONS, revision__isnull=False
        )
        .select_related("revision")
        .order_by("timestamp", "pk")
    )
    by_key: dict[tuple, RulesVersion] = {}
    for entry in entries:
        content = entry.revision.content
        version = RulesVersion(
            revision_id=entry.revision_id,
            resolution_number=content.get("resolution_number", ""),
            adopted_on=_as_date(content.get("adopted_on")),
            effective_from=_as_date(content.get("effective_from")),
            published_at=entry.timestamp,
            is_current=entry.revision_id == page.live_revision_id,
        )
        key = (version.resolution_number, version.effective_from)
        by_key.pop(key, None)  # re-insert so the latest publication wins
        by_key[key] = version
    return sorted(
        by_key.values(),
        key=lambda v: (v.effective_from or datetime.date.min, v.published_at),
        reverse=True,
    )


def rules_version_on(page: RulesPage, day: datetime.date) -> RulesVersion | None:
    """The version in force on ``day``: the latest one effective on or before it."""
    for version in rules_versions(page):
        if version.effective_from and version.effective_from <= day:
            return version
    return None
