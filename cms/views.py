"""Non-page views: the site search. (The member area's list of
housing-community notices is members/area/notice_views.py.)"""

from django.core.paginator import Paginator
from django.shortcuts import render

from cms.queries import search_public_pages

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    """Search published public pages; residents-only content never appears here."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = None
    if query:
        paginator = Paginator(search_public_pages(query), RESULTS_PER_PAGE)
        results = paginator.get_page(request.GET.get("strona"))
    return render(request, "search.html", {"query": query, "results": results})
