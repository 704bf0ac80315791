"""Reads of the member area's own records: discrepancy reports, contact
change requests (and the dashboard's notices).

A resident's financial and meter data (units and balances with the §III.4
simulation, the ledger page, loans, meters, readings) are read by
``ledger.queries`` only.

Every function takes the ``party`` as a required keyword argument and returns
only that party's data; an id that is not the party's raises ``Http404``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404

from ledger.models import Party
from ledger.queries.base import rows as fetch_rows
from members.models import ContactChangeRequest, DiscrepancyReport

# --- Reports, contact changes, notices ------------------------------------------------


def reports_for_party(*, party: Party) -> QuerySet[DiscrepancyReport]:
    return DiscrepancyReport.objects.filter(party=party).select_related(
        "unit__building"
    )


def report_for_party(*, party: Party, report_id: int) -> DiscrepancyReport:
    """One of the party's reports; ``Http404`` for any other id."""
    report = reports_for_party(party=party).filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def contact_requests_for_party(*, party: Party) -> QuerySet[ContactChangeRequest]:
    return ContactChangeRequest.objects.filter(party=party)


@dataclass(frozen=True)
class NoticeLink:
    """What the dashboard shows of a notice (kept in the cache)."""

    pk: int
    title: str
    url: str
    date: dt.date
    is_residents_only: bool
    pinned: bool


NOTICES_CACHE_SECONDS = 60
NOTICES_VERSION_KEY = "iok:area:notices-version"


def cooperative_notices(*, user, limit: int | None = None):
    """The cooperative's current notices the user may read (public and
    residents-only, live), pinned first, newest first (``cms.queries``).

    With a ``limit`` (the dashboard) the short list is kept in the cache for a
    minute: the query checks page privacy and costs more than the rest of the
    dashboard. What a user may read depends only on being logged in, being a
    superuser and their groups, so users alike share one entry. Publishing,
    unpublishing or moving a page, or a change of page privacy, starts a new
    cache version at once."""
    from cms.queries import notices_for_listing

    if not limit:
        return notices_for_listing(user=user)
    return _cached_links(
        f"notices:{_audience_key(user)}:{limit}",
        lambda: [
            NoticeLink(
                pk=notice.pk,
                title=notice.title,
                url=notice.url,
                date=notice.date,
                is_residents_only=notice.is_residents_only,
                pinned=notice.pinned,
            )
            for notice in notices_for_listing(user=user)[:limit]
        ],
    )


def _cached_links(key: str, build) -> list:
    """``build()``'s short list of notices, kept for a minute under ``key``
    and the current notices version (a publish, unpublish, move or privacy
    change starts a new one)."""
    version = cache.get_or_set(NOTICES_VERSION_KEY, 0, None)
    full_key = f"iok:area:{key}:v{version}"
    links = cache.get(full_key)
    if links is None:
        links = build()
        cache.set(full_key, links, NOTICES_CACHE_SECONDS)
    return links


def _audience_key(user) -> str:
    """Who ``user`` is for page privacy: anonymous, superuser, or a logged-in
    user with these groups (one small query)."""
    return _audience(user)[0]


def _audience(user) -> tuple[str, bool]:
    """``user``'s key for page privacy (anonymous, superuser, or logged in with
    these groups), and whether the user reads every housing community's notices
    (``cms.queries.can_read_every_community``). One small query: a resident
    with no group and no permission of their own is no staff member, so the
    permission check (two more queries) runs only for users who have some.
    Kept on the user object for the rest of the request."""
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
    from cms.queries import can_read_every_community

    every = can_read_every_community(user)
    return (key + "-staff" if every else key), every


def _new_notices_version(**kwargs) -> None:
    try:
        cache.incr(NOTICES_VERSION_KEY)
    except ValueError:
        cache.set(NOTICES_VERSION_KEY, 1, None)


def _notices_changed(sender, instance=None, **kwargs) -> None:
    from wagtail.models import Page, PageViewRestriction

    if isinstance(instance, (Page, PageViewRestriction)):
        _new_notices_version()


def connect_notice_signals() -> None:
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_new_notices_version, dispatch_uid="area-notices-pub")
    page_unpublished.connect(_new_notices_version, dispatch_uid="area-notices-unpub")
    post_page_move.connect(_new_notices_version, dispatch_uid="area-notices-move")
    post_save.connect(_notices_changed, dispatch_uid="area-notices-save")
    post_delete.connect(_notices_changed, dispatch_uid="area-notices-delete")


def notice_for_user(*, user, notice_id: int):
    """A live notice, current or archived, that the user may read; ``Http404``
    for any other id (a draft, another audience, a page that is no notice)."""
    from cms.queries import notices_for_listing

    for expired in (False, True):
        notice = (
            notices_for_listing(user=user, expired=expired).filter(pk=notice_id).first()
        )
        if notice is not None:
            return notice
    raise Http404


@dataclass(frozen=True)
class CommunityNoticeLink:
    """What the dashboard shows of a housing-community notice (kept in the
    cache)."""

    pk: int
    title: str
    url: str
    date: dt.date
    community_name: str
    pinned: bool


def community_notices(
    *,
    party: Party | None,
    user,
    on: dt.date,
    limit: int | None = None,
    communities: list[int] | None = None,
):
    """The live notices of the housing communities in which the user's party
    holds a unit today (zone 5 of rules §III.2), pinned first, newest first.

    The scoping lives in ``cms.queries.community_notices_for_user`` (the same
    rule the community pages enforce when served). With a ``limit`` (the
    dashboard) the short list is kept in the cache for a minute, like
    ``cooperative_notices``: its key holds the user's audience (groups, staff)
    and ``communities``, the ids of the communities of the party's units on
    ``on``, which the dashboard knows already; readers alike share an entry,
    and the same signals start a new version at once."""
    from cms.queries import community_notices_for_user

    if not limit or communities is None:
        return list(community_notices_for_user(user=user, limit=limit))
    audience, every = _audience(user)
    if not every and not communities:
        return []
    scope = "all" if every else ".".join(str(pk) for pk in sorted(set(communities)))
    return _cached_links(
        f"community-notices:{audience}:{scope}:{limit}",
        lambda: [
            CommunityNoticeLink(
                pk=notice.pk,
                title=notice.title,
                url=notice.url,
                date=notice.date,
                community_name=notice.community_name or "",
                pinned=notice.pinned,
            )
            for notice in community_notices_for_user(user=user, limit=limit)
        ],
    )
