"""The cache helper reads each version and value once per request, yet a bump
made during the request is seen at once, and outside a request (commands, the
task worker) every read goes to the shared cache."""

from django.core.cache import cache

import pytest

from ledger.caching import end_request_memo, namespace, start_request_memo

NS = namespace("test-request-memo", timeout=60)


@pytest.fixture(autouse=True)
def no_request_in_progress():
    """Each test starts outside a request (``LedgerConfig.ready()`` connects
    these two to Django's request_started and request_finished)."""
    end_request_memo()
    yield
    end_request_memo()


def another_server_writes(value) -> None:
    """What another app server's write looks like from here: the shared cache
    changes behind this process's back."""
    cache.set(NS.key("links"), value, 60)


def test_within_a_request_a_value_is_read_once_and_the_next_request_sees_changes():
    start_request_memo()
    try:
        assert NS.get_or_set(("links",), lambda: "first") == "first"
        another_server_writes("second")
        assert NS.get_or_set(("links",), lambda: "unused") == "first"
    finally:
        end_request_memo()

    start_request_memo()
    try:
        assert NS.get_or_set(("links",), lambda: "unused") == "second"
    finally:
        end_request_memo()


def test_a_bump_during_the_request_is_seen_at_once():
    NS.bump()
    start_request_memo()
    try:
        assert NS.get_or_set(("links",), lambda: "old") == "old"
        NS.bump()
        assert NS.get_or_set(("links",), lambda: "new") == "new"
    finally:
        end_request_memo()


def test_outside_a_request_every_read_goes_to_the_shared_cache():
    NS.bump()
    assert NS.get_or_set(("links",), lambda: "first") == "first"
    another_server_writes("second")
    assert NS.get_or_set(("links",), lambda: "unused") == "second"
