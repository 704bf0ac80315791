"""/iok/ogloszenia-wspolnot/: the member area's list of housing-community notices.

The notices are cms pages and their scoping lives in ``cms.queries``; the view
lives here because only the member area knows who may enter it
(``member_required``), and ``cms`` never imports ``members``.
"""

from django.core.paginator import Paginator
from django.shortcuts import render

from cms.queries import (
    can_read_every_community,
    community_indexes_for_user,
    community_notices_for_user,
)
from members.decorators import member_required

COMMUNITY_NOTICES_PER_PAGE = 20


@member_required
def community_notices(request):
    """The current notices of every housing community in which the resident
    owns a unit today (all communities for staff)."""
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
