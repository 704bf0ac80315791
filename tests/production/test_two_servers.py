"""Two app servers over one PostgreSQL (and, in the second configuration, one
Redis): a resident logged in through server A is served by server B, a logout
on B ends the session on A, and a lockout earned on A holds on B.

Both servers are real gunicorn processes with production settings on two
ports, over the pytest-django test database. Their cookies are ``__Host-`` and
Secure; the test's client sends them itself over plain HTTP (tests/production/
servers.py), the production settings are not relaxed.
"""

import os
import pickle
import re
import uuid

import pytest
import redis

from .conftest import RESIDENT_PASSWORD
from .servers import (
    AppServer,
    HttpClient,
    ci,
    free_port,
    production_env,
    require_postgresql,
)
from .servers import shared_database_url as database_url

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("IOK_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
FAILURE_LIMIT = 3


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        if ci():
            pytest.fail(f"Redis at {REDIS_URL} is not reachable, and CI needs it")
        pytest.skip(f"Redis at {REDIS_URL} not reachable: {exc}")
    return client


@pytest.fixture(scope="module", params=["database-sessions", "redis-cache-sessions"])
def two_servers(request, django_db_setup, static_root, tmp_path_factory):
    """Started once per configuration; each test's data is its own (the
    servers read whatever the test committed)."""
    require_postgresql()
    tmp_path = tmp_path_factory.mktemp(request.param)
    extra = {"AXES_FAILURE_LIMIT": str(FAILURE_LIMIT)}
    store = None
    if request.param == "redis-cache-sessions":
        store = redis_or_skip()
        prefix = f"iok-test-{uuid.uuid4().hex[:8]}"
        extra |= {
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
            "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
        }
    env = production_env(database_url(), static_root, **extra)
    port_a = free_port()
    server_a = AppServer(env, port_a, tmp_path / "a.log", "server A").start()
    try:
        server_b = AppServer(
            env, free_port((port_a,)), tmp_path / "b.log", "server B"
        ).start()
        try:
            yield server_a, server_b, store, extra.get("CACHE_KEY_PREFIX")
        finally:
            server_b.stop()
    finally:
        server_a.stop()
        if store is not None:
            for key in store.scan_iter(f"{extra['CACHE_KEY_PREFIX']}:*"):
                store.delete(key)


def test_login_on_one_server_is_honoured_by_the_other(two_servers, production_resident):
    a, b, _store, _prefix = two_servers
    browser = HttpClient()

    login = browser.login(a.url, production_resident.username, RESIDENT_PASSWORD)
    assert login.status_code == 302, login.text[:500]
    assert login.headers["Location"] == "/iok/"

    on_b = browser.get(b.url + "/iok/")
    assert on_b.status_code == 200
    assert "Witamy, Zofia Produkcyjna" in on_b.text
    assert on_b.headers["Cache-Control"].startswith("no-store") or (
        "no-store" in on_b.headers["Cache-Control"]
    )
    # Without the cookie B knows nobody: it is the shared session that counts.
    assert HttpClient().get(b.url + "/iok/").status_code == 302

    # Logging out on B ends the session on A too.
    out = browser.post_form(b.url + "/iok/logout/", {}, form_url=b.url + "/iok/")
    assert out.status_code == 302
    after = browser.get(a.url + "/iok/")
    assert after.status_code == 302
    assert after.headers["Location"].startswith("/iok/login/")


def test_lockout_earned_on_one_server_holds_on_the_other(
    two_servers, production_resident
):
    a, b, _store, _prefix = two_servers
    attacker = HttpClient()
    for _attempt in range(FAILURE_LIMIT):
        wrong = attacker.login(a.url, production_resident.username, "Zgadywanie1")
        assert wrong.status_code in (200, 429)

    resident = HttpClient()
    blocked = resident.login(b.url, production_resident.username, RESIDENT_PASSWORD)
    assert blocked.status_code == 429
    assert "Logowanie jest tymczasowo zablokowane" in blocked.text
    assert resident.get(b.url + "/iok/").status_code == 302
    # And on A as well, with the right password.
    again = HttpClient().login(a.url, production_resident.username, RESIDENT_PASSWORD)
    assert again.status_code == 429


@pytest.mark.parametrize("two_servers", ["redis-cache-sessions"], indirect=True)
def test_shared_redis_cache_is_read_by_both_servers(two_servers, production_resident):
    from django.contrib.sessions.models import Session

    a, b, store, prefix = two_servers
    visitor = HttpClient()
    assert visitor.get(a.url + "/iok/login/").status_code == 200
    # Server A built the site links (header, footer) and stored them in Redis.
    # (ledger.caching: iok:<deploy>:site-links:v<version>:<language>, next to
    # the namespace's version; both servers run the same code, one deploy id.)
    (version_key,) = [
        k.decode()
        for k in store.scan_iter(f"{prefix}:*site-links*")
        if k.decode().endswith(":version")
    ]
    assert re.fullmatch(rf"{prefix}:1:iok:\w+:site-links:version", version_key)
    version = int(store.get(version_key))
    keys = [version_key.replace(":version", f":v{version}:pl")]
    assert store.exists(keys[0])
    links = pickle.loads(store.get(keys[0]))  # noqa: S301 - our own test value
    links["cooperative_name"] = "Spółdzielnia Wspólnej Pamięci"
    store.set(keys[0], pickle.dumps(links))
    # Server B has never built them itself: it shows what is in Redis.
    page = visitor.get(b.url + "/iok/login/")
    assert "Spółdzielnia Wspólnej Pamięci" in page.text
    # Sessions live in Redis in this configuration, not in the database.
    visitor.login(a.url, production_resident.username, RESIDENT_PASSWORD)
    session_key = visitor.cookies["__Host-sessionid"]
    assert store.exists(f"{prefix}:1:django.contrib.sessions.cache{session_key}")
    assert not Session.objects.exists()
