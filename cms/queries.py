"""Reads for the public site: what a visitor may see, notices, rules versions."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import StartsWith
from django.http import Http404
from django.utils import timezone

from wagtail.models import Page, PageLogEntry, PageViewRestriction

from cms.models import (
    CommunityNoticeIndexPage,
    CommunityNoticePage,
    CommunityNoticeSectionPage,
    NoticePage,
    RulesPage,
)
from cms.workflow import BOARD_APPROVED, VERSION_WITHDRAWN
from ledger.caching import namespace
from ledger.formatting import format_date
from ledger.models import HousingCommunity, UnitRight
from ledger.queries import OWNERSHIP_KINDS, communities_for_party
from ledger.queries.base import rows as fetch_rows
from ledger.roles import is_office_staff

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


SEARCH_MAX_LENGTH = 200
_NOT_WORD = re.compile(r"[\W_]+")
# SQLite FTS5's operators (upper case only there); written in lower case they are
# plain words.
_SEARCH_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})


def search_terms(raw: str) -> str:
    """The one rule for what a search box entry searches for: its words,
    separated by single spaces, at most ``SEARCH_MAX_LENGTH`` characters.
    Everything else (NUL and other control characters, quotes, brackets, ``*``,
    ``^``, ``:``…) is a separator, and the operator words are lower-cased, so
    no input is search syntax for the database: PostgreSQL refuses NUL in a
    query, SQLite answers a stray quote with a syntax error."""
    text = unicodedata.normalize("NFKC", (raw or "")[: SEARCH_MAX_LENGTH * 4])
    words = " ".join(
        word.lower() if word.upper() in _SEARCH_OPERATORS else word
        for word in _NOT_WORD.split(text)
        if word
    )
    return words[:SEARCH_MAX_LENGTH].strip()


def search_public_pages(query: str):
    """Site search: published pages in no private section, best match first.
    ``query`` is reduced to ``search_terms`` here, whoever calls."""
    terms = search_terms(query)
    if not terms:
        return Page.objects.none()
    residents_only = NoticePage.objects.filter(audience=NoticePage.Audience.RESIDENTS)
    # Housing-community pages are private by their login restriction already;
    # leaving the types out as well keeps them out even if an editor removed it.
    community = Page.objects.type(*COMMUNITY_PAGE_MODELS)
    pages = (
        public_pages(Page.objects.live().exclude(depth=1))
        .exclude(pk__in=residents_only.values("pk"))
        .exclude(pk__in=community.values("pk"))
    )
    return pages.search(terms)


# --- Housing-community notices (rules §III.2, zone 5) ----------------------------

COMMUNITY_PAGE_MODELS = (
    CommunityNoticeSectionPage,
    CommunityNoticeIndexPage,
    CommunityNoticePage,
)


def can_read_every_community(user) -> bool:
    """Office staff (``ledger.roles.is_office_staff``) read the notices of
    every community."""
    return is_office_staff(user)


def communities_for_user(
    *, user, on: datetime.date | None = None
) -> QuerySet[HousingCommunity]:
    """The communities whose notices ``user`` may read on ``on`` (today): those in
    which the user's party holds a valid right to a unit; every one for staff."""
    if can_read_every_community(user):
        return HousingCommunity.objects.all()
    party_id = getattr(user, "party_id", None) if user.is_authenticated else None
    if party_id is None:
        return HousingCommunity.objects.none()
    return communities_for_party(party=user.party, on=on or timezone.localdate())


def community_indexes_for_user(*, user) -> QuerySet[CommunityNoticeIndexPage]:
    """Live community listings ``user`` may open, by community name."""
    indexes = CommunityNoticeIndexPage.objects.live().select_related("community")
    if not user.is_authenticated:
        return indexes.none()
    if not can_read_every_community(user):
        indexes = indexes.filter(community__in=communities_for_user(user=user))
    return indexes.order_by("community__name", "pk")


def community_notices_for_user(
    *,
    user,
    limit: int | None = None,
    index: CommunityNoticeIndexPage | None = None,
    expired: bool = False,
):
    """Live housing-community notices ``user`` may read, pinned first, newest first.

    Owners get the notices of every community in which they hold a unit today
    (all of them for staff, none for anyone else); ``index`` narrows it to one
    community's listing. Current notices by default; ``expired=True`` gives the
    archive. Each notice carries ``community_name``. The number of queries does
    not depend on the number of notices or communities. With ``limit`` the result
    is a list of at most that many notices (what the dashboard shows).
    """
    notices = CommunityNoticePage.objects.live().defer_streamfields()
    if not user.is_authenticated:
        return notices.none()
    # Every notice sits under the index of its community (parent_page_types).
    covering = CommunityNoticeIndexPage.objects.filter(
        StartsWith(OuterRef("path"), F("path"))
    )
    readable = covering
    if not can_read_every_community(user):
        readable = covering.filter(community__in=communities_for_user(user=user))
    notices = notices.filter(Exists(readable)).annotate(
        community_name=Subquery(covering.values("community__name")[:1])
    )
    # A group restriction an editor may have added on top still applies.
    notices = visible_pages(notices, user)
    if index is not None:
        notices = notices.child_of(index)
    current = Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate())
    if expired:
        notices = notices.exclude(current).order_by("-valid_until", "-date", "-pk")
    else:
        notices = notices.filter(current).order_by("-pinned", "-date", "-pk")
    return list(notices[:limit]) if limit else notices


def user_can_read_community_page(*, user, page: Page) -> bool:
    """Whether ``user`` may open ``page`` of the housing-community section: the
    section itself for anyone logged in (it lists only their own communities), a
    community's listing or notice for its owners today and for staff."""
    if not user.is_authenticated:
        return False
    if isinstance(page, CommunityNoticeSectionPage) or can_read_every_community(user):
        return True
    return (
        CommunityNoticeIndexPage.objects.ancestor_of(page, inclusive=True)
        .filter(community__in=communities_for_user(user=user))
        .exists()
    )


def account_email(user) -> str:
    """The address to write to a resident at: the account's e-mail, else the
    one on file for their party (the one rule, for every notification)."""
    party = user.party if user.party_id else None
    return (user.email or (party.email if party is not None else "") or "").strip()


def community_notice_recipients(
    *, community: HousingCommunity, on: datetime.date, owners_only: bool = False
):
    """Residents to tell about a notice or a vote of ``community`` (the
    notifications of ``members.notifications`` narrow them to those who chose
    the topic): active, not blocked,
    linked to a party holding a valid right to a unit in it on ``on`` (with
    ``owners_only``, a right of ownership: the voters of a vote), and with an
    e-mail address (the account's, else the party's). One ``(user, address)``
    pair per address, ordered by identifier."""
    rights = UnitRight.objects.valid_on(on).filter(
        party_id=OuterRef("party_id"), unit__building__community=community
    )
    if owners_only:
        rights = rights.filter(kind__in=OWNERSHIP_KINDS)
    users = (
        get_user_model()
        .objects.filter(Exists(rights), is_active=True, blocked_at__isnull=True)
        .select_related("party")
        .order_by("username")
    )
    recipients, seen = [], set()
    for user in users:
        address = account_email(user)
        if address and address.lower() not in seen:
            seen.add(address.lower())
            recipients.append((user, address))
    return recipients


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
        adopted = format_date(self.adopted_on) or "?"
        return f"{self.resolution_number} ({adopted})"


def _as_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def board_page_publications(page: Page) -> list[PageLogEntry]:
    """The publications of a rules or privacy page that stand, oldest first
    (Wagtail's page log entries, with their revisions).

    A publication stands when its revision was approved by the board's
    workflow (``cms.board_approved``, written by ``cms.workflow``) or published
    by a superuser or by the system (no user: data loading, scheduled
    publishing), and the board has not withdrawn it
    (``cms.version_withdrawn``). What anybody else published is left out.
    """
    entries = list(
        PageLogEntry.objects.filter(
            page_id=page.pk,
            revision__isnull=False,
            action__in=(*PUBLISH_ACTIONS, BOARD_APPROVED, VERSION_WITHDRAWN),
        )
        .select_related("revision", "user")
        .order_by("timestamp", "pk")
    )
    approved, withdrawn = set(), set()
    for entry in entries:
        if entry.action == VERSION_WITHDRAWN:
            withdrawn.add(entry.revision_id)
        elif entry.action == BOARD_APPROVED or (
            entry.user_id is None or entry.user.is_superuser
        ):
            approved.add(entry.revision_id)
    return [
        entry
        for entry in entries
        if entry.action in PUBLISH_ACTIONS
        and entry.revision_id in approved
        and entry.revision_id not in withdrawn
    ]


def rules_versions(page: RulesPage) -> list[RulesVersion]:
    """Every version of the rules published through the board's workflow
    (``board_page_publications``), newest effective date first.

    A version is a published revision; republishing the same resolution (a typo
    fixed) replaces that version rather than adding one.
    """
    by_key: dict[tuple, RulesVersion] = {}
    for entry in board_page_publications(page):
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


# --- Notices of the member area's dashboard --------------------------------------

#: The dashboard's short notice lists; bumped on publish, unpublish, move and
#: any save or delete of a page or a page privacy restriction (``cms.signals``).
NOTICES_CACHE = namespace("notices", timeout=60)


@dataclass(frozen=True)
class NoticeLink:
    """What the dashboard shows of a notice of the cooperative or of a housing
    community (kept in the cache)."""

    pk: int
    title: str
    url: str
    date: datetime.date
    pinned: bool
    is_residents_only: bool = False
    community_name: str = ""


def _links(notices) -> list[NoticeLink]:
    return [
        NoticeLink(
            pk=notice.pk,
            title=notice.title,
            url=notice.url,
            date=notice.date,
            pinned=notice.pinned,
            is_residents_only=getattr(notice, "is_residents_only", False),
            community_name=getattr(notice, "community_name", None) or "",
        )
        for notice in notices
    ]


def cooperative_notices(*, user, limit: int | None = None):
    """The cooperative's current notices the user may read (public and
    residents-only, live), pinned first, newest first (``notices_for_listing``).

    With a ``limit`` (the dashboard) the short list is kept in the cache for a
    minute: the query checks page privacy and costs more than the rest of the
    dashboard. What a user may read depends only on being logged in, being a
    superuser and their groups, so users alike share one entry. Publishing,
    unpublishing or moving a page, or a change of page privacy, starts a new
    cache version at once."""
    if not limit:
        return notices_for_listing(user=user)
    return NOTICES_CACHE.get_or_set(
        ("notices", _audience(user)[0], limit),
        lambda: _links(notices_for_listing(user=user)[:limit]),
    )


def community_notices(
    *, user, limit: int | None = None, communities: list[int] | None = None
):
    """The live notices of the housing communities in which the user's party
    holds a unit today (zone 5 of rules §III.2), pinned first, newest first.

    The scoping is ``community_notices_for_user`` (the same rule the community
    pages enforce when served). With a ``limit`` (the dashboard) the short list
    is kept in the cache for a minute, like ``cooperative_notices``: its key
    holds the user's audience (groups, staff) and ``communities``, the ids of
    the communities of the party's units today, which the dashboard knows
    already. Readers alike share an entry; a change of rights changes
    ``communities`` and so the key, and the page signals start a new version."""
    if not limit or communities is None:
        return list(community_notices_for_user(user=user, limit=limit))
    audience, every = _audience(user)
    if not every and not communities:
        return []
    scope = "all" if every else ".".join(str(pk) for pk in sorted(set(communities)))
    return NOTICES_CACHE.get_or_set(
        ("community-notices", audience, scope, limit),
        lambda: _links(community_notices_for_user(user=user, limit=limit)),
    )


def notice_for_user(*, user, notice_id: int):
    """A live notice, current or archived, that the user may read; ``Http404``
    for any other id (a draft, another audience, a page that is no notice)."""
    for expired in (False, True):
        notice = (
            notices_for_listing(user=user, expired=expired).filter(pk=notice_id).first()
        )
        if notice is not None:
            return notice
    raise Http404


def _audience(user) -> tuple[str, bool]:
    """``user``'s key for page privacy (anonymous, superuser, or logged in with
    these groups), and whether the user reads every housing community's notices
    (``can_read_every_community``). One small query: a resident with no group
    and no permission of their own is no staff member, so the permission check
    (two more queries) runs only for users who have some. Kept on the user
    object for the rest of the request."""
    audience = getattr(user, "_iok_audience", None)
    if audience is None:
        audience = user._iok_audience = _read_audience(user)
    return audience


def _read_audience(user) -> tuple[str, bool]:
    if not user.is_authenticated:
        return "anonymous", False
    if user.is_superuser:
        return "superuser", True
    user_model = user._meta
    groups_table = user_model.get_field("groups").remote_field.through._meta.db_table
    perms_table = user_model.get_field(
        "user_permissions"
    ).remote_field.through._meta.db_table
    rows = fetch_rows(
        f"""SELECT 'g', group_id FROM {groups_table} WHERE user_id = %s
            UNION ALL
            SELECT 'p', permission_id FROM {perms_table} WHERE user_id = %s""",  # noqa: S608 - only table names and placeholders
        [user.pk, user.pk],
    )
    groups = sorted(value for source, value in rows if source == "g")
    key = "user-" + "-".join(str(group) for group in groups)
    if user.is_staff:
        return key, True
    if not rows:
        return key, False
    every = can_read_every_community(user)
    return (key + "-staff" if every else key), every
