"""403/404/500/503 pages: Polish, in the site's layout, never a detail of the
error. The 503 page is what residents see while PostgreSQL is down or
restarting; it must render without a single query."""

import time

from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client

import pytest

from cms import errors
from cms.site_links import SiteLinks, _cache_key
from tests.production.error_urls import SECRET

pytestmark = pytest.mark.urls("tests.production.error_urls")

LEAKS = ("Traceback", SECRET, "OperationalError", "settings.py", "DEBUG")


def assert_no_leak(response) -> str:
    body = response.content.decode()
    for leak in LEAKS:
        assert leak not in body, leak
    assert '<html lang="pl">' in body
    assert 'class="skip-link"' in body  # the site layout
    return body


@pytest.fixture
def anonymous():
    # The test client re-raises handled exceptions unless told otherwise.
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_unknown_address_gets_the_polish_404_page(anonymous):
    response = anonymous.get("/nie-ma-takiej-strony/")
    assert response.status_code == 404
    assert "Nie znaleziono strony" in assert_no_leak(response)


@pytest.mark.django_db
def test_forbidden_view_gets_the_polish_403_page(anonymous):
    response = anonymous.get("/test-errors/403/")
    assert response.status_code == 403
    assert "Brak dostępu" in assert_no_leak(response)


@pytest.mark.django_db
def test_crash_gets_the_polish_500_page_without_details(anonymous):
    response = anonymous.get("/test-errors/500/")
    assert response.status_code == 500
    body = assert_no_leak(response)
    assert "Błąd serwera" in body
    assert "Prosimy spróbować ponownie za kilka minut" in body


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/test-errors/db/", "/test-errors/closed/"])
def test_database_error_in_a_view_gets_503_with_retry_after(anonymous, path):
    response = anonymous.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    body = assert_no_leak(response)
    assert "Serwis chwilowo niedostępny" in body
    assert "127.0.0.1" not in body


def _refuse_every_query(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/iok/", "/iok/login/", "/ogloszenia/"])
def test_outage_seen_in_middleware_or_page_serving_gets_503(member, path):
    """Session and user lookups run in middleware, before any view: with the
    database refusing every query, a logged-in resident still gets the 503
    page, not a 500 or a stack trace."""
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with connection.execute_wrapper(_refuse_every_query):
        response = client.get(path)
    assert response.status_code == 503
    assert "Serwis chwilowo niedostępny" in assert_no_leak(response)
    assert member.username not in response.content.decode()


def test_503_page_renders_without_the_database():
    """No django_db mark: pytest-django raises on any database access here."""
    cache.clear()
    response = errors.database_unavailable()
    assert response.status_code == 503
    assert "Serwis chwilowo niedostępny" in assert_no_leak(response)


def test_503_page_shows_the_cooperative_from_the_cache_only():
    links = SiteLinks(
        cooperative_name="Spółdzielnia Mieszkaniowa Testowa",
        address_lines=("ul. Próbna 1", "45-000 Opole"),
        phone="77 000 00 00",
    )
    cache.set(_cache_key("pl"), links.__dict__)
    try:
        body = errors.database_unavailable().content.decode()
    finally:
        cache.clear()
    assert "Spółdzielnia Mieszkaniowa Testowa" in body
    assert "ul. Próbna 1" in body
    assert "77 000 00 00" in body  # "call the office" when it is urgent


@pytest.mark.django_db
def test_health_check_answers_json_even_when_the_session_lookup_fails(member):
    """A load balancer's probe carrying a session cookie fails in middleware,
    before the health view runs; it still gets the health JSON."""
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with connection.execute_wrapper(_refuse_every_query):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_503_page_declares_its_encoding():
    response = errors.database_unavailable()
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.django_db
def test_bad_request_gets_the_polish_400_page(anonymous):
    response = anonymous.get("/test-errors/400/")
    assert response.status_code == 400
    assert "Nieprawidłowe żądanie" in assert_no_leak(response)


def _refuse_session_writes(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith("UPDATE") and "django_session" in sql:
        raise OperationalError("terminating connection due to administrator command")
    return execute(sql, params, many, context)


@pytest.mark.django_db
def test_database_lost_while_saving_the_session_gets_503_not_400(member):
    """Django reports any failed session save as "session interrupted" (400);
    seen under load while PostgreSQL stopped. The resident gets the 503 page."""
    from members.middleware import ACTIVITY_WRITE_INTERVAL, LAST_ACTIVITY_KEY

    client = Client(raise_request_exception=False)
    client.force_login(member)
    session = client.session
    # Last seen a while ago: this request records the activity in the session.
    session[LAST_ACTIVITY_KEY] = int(time.time()) - ACTIVITY_WRITE_INTERVAL - 5
    session.save()
    with connection.execute_wrapper(_refuse_session_writes):
        response = client.get("/iok/")
    assert response.status_code == 503
    assert "Serwis chwilowo niedostępny" in assert_no_leak(response)
