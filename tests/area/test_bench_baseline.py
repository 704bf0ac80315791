"""The benchmark's yardstick page: routed only with BENCH_BASELINE, and it
never touches the database."""

from django.test import RequestFactory

import pytest

from members.area.views import bench_baseline_view


@pytest.mark.django_db
def test_the_baseline_page_is_not_routed_normally(client):
    assert client.get("/iok/bench/baseline/").status_code == 404


@pytest.mark.django_db
def test_the_baseline_page_renders_fifty_rows_without_the_database(
    django_assert_num_queries,
):
    request = RequestFactory().get("/iok/bench/baseline/")
    with django_assert_num_queries(0):
        response = bench_baseline_view(request)
    assert response.status_code == 200
    assert response.content.count(b"<tr>") == 51  # header row and 50 rows
