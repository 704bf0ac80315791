"""Non-page views: the site search, and the member area's list of
housing-community notices."""

from django.core.paginator import Paginator
from django.shortcuts import render

from cms.queries import (
    can_read_every_community,
    community_indexes_for_user,
    community_notices_for_user,
    search_public_pages,
)
from members.decorators import member_required

RESULTS_PER_PAGE = 10
COMMUNITY_NOTICES_PER_PAGE = 20
MAX_QUERY_LENGTH = 200


def search(request):
    """Search published public pages; residents-only content never appears here."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        paginator = Paginator(search_public_pages(query), RESULTS_PER_PAGE)
        results = paginator.get_page(request.GET.get("strona"))
    return render(request, "search.html", {"query": query, "results": results})


@member_required
def community_notices(request):
    """/iok/ogloszenia-wspolnot/: the current notices of every housing community
    in which the resident owns a unit today (all communities for staff)."""
    paginator = Paginator(
        community_notices_for_user(user=request.user), COMMUNITY_NOTICES_PER_PAGE
    )
    return render(
        request,
        "cms/community_notice_list.html",
        {
            "notices": paginator.get_page(request.GET.get("strona")),
            "indexes": community_indexes_for_user(user=request.user),
            "sees_every_community": can_read_every_community(request.user),
        },
    )
