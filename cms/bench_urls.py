"""URLs of the benchmark settings (cms.settings.bench): the production URLs plus
``/iok/bench/baseline/``, a 50-row table rendered without the database, the
yardstick of bench/member_pages.py. Production's cms.urls never routes it."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from ledger.models import LedgerEntry

handler400 = "cms.errors.bad_request"
handler500 = "cms.errors.server_error"

BASELINE_ROWS = [
    {
        "date": dt.date(2025, 1, 1) + dt.timedelta(days=index * 7),
        "kind": LedgerEntry.Kind.CHARGE.label,
        "document": f"DOK/{index:05d}",
        "amount": -(index * 37 % 900) - 0.5,
    }
    for index in range(50)
]


def bench_baseline_view(request: HttpRequest) -> HttpResponse:
    """A 50-row table rendered without the database (bench/member_pages.py)."""
    return render(request, "bench/baseline.html", {"rows": BASELINE_ROWS})


urlpatterns = [
    path("iok/bench/baseline/", bench_baseline_view, name="bench-baseline"),
    path("", include("cms.urls")),
]
