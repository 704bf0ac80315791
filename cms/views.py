"""Non-page views: the site search. (The member area's list of
housing-community notices is members/area/notice_views.py.)"""

from django.core.paginator import Paginator
from django.shortcuts import render

from cms.queries import search_public_pages, search_terms

RESULTS_PER_PAGE = 10


def search(request):
    """Search published public pages; residents-only content never appears here."""
    # Only words reach the search (cms.queries.search_terms), and only they are
    # shown back: no NUL, no search syntax.
    query = search_terms(request.GET.get("q", ""))
    results = None
    if query:
        paginator = Paginator(search_public_pages(query), RESULTS_PER_PAGE)
        results = paginator.get_page(request.GET.get("strona"))
    return render(request, "search.html", {"query": query, "results": results})
