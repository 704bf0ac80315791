"""The benchmark's yardstick page: routed only by the bench settings' URLs
(cms.settings.bench → cms.bench_urls), never by production's, and it never
touches the database."""

import os
import subprocess
import sys

from django.conf import settings
from django.test import RequestFactory
from django.urls import Resolver404, resolve

import pytest

from cms.bench_urls import bench_baseline_view


@pytest.mark.django_db
def test_the_baseline_page_is_not_routed_in_production(client):
    assert settings.ROOT_URLCONF == "cms.urls"
    assert client.get("/iok/bench/baseline/").status_code == 404
    try:
        match = resolve("/iok/bench/baseline/", urlconf="cms.urls")
    except Resolver404:
        match = None
    assert match is None or match.func is not bench_baseline_view


@pytest.mark.django_db
@pytest.mark.urls("cms.bench_urls")
def test_the_bench_urls_route_the_baseline_and_everything_else(client):
    page = client.get("/iok/bench/baseline/")
    assert page.status_code == 200
    assert page.content.count(b"<tr>") == 51
    assert client.get("/healthz").status_code == 200


def test_the_bench_settings_are_production_with_the_bench_urls():
    """Imported in a fresh interpreter, as gunicorn does for the benchmarks."""
    code = "import cms.settings.bench as s; print(s.ROOT_URLCONF, s.DEBUG)"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SECRET_KEY": "bench",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split() == ["cms.bench_urls", "False"]


@pytest.mark.django_db
def test_the_baseline_page_renders_fifty_rows_without_the_database(
    django_assert_num_queries,
):
    request = RequestFactory().get("/iok/bench/baseline/")
    with django_assert_num_queries(0):
        response = bench_baseline_view(request)
    assert response.status_code == 200
    assert response.content.count(b"<tr>") == 51  # header row and 50 rows
