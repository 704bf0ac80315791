"""``make serve``'s configuration: gunicorn with production settings, hashed and
compressed static files from whitenoise, /healthz, JSON logs on stdout."""

import json

import pytest
import requests

from .servers import AppServer, free_port, production_env, require_postgresql
from .servers import shared_database_url as database_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_production_server_serves_health_pages_and_compressed_hashed_static(
    static_root, tmp_path
):
    require_postgresql()
    env = production_env(database_url(), static_root)
    with AppServer(env, free_port(), tmp_path / "gunicorn.log") as server:
        health = requests.get(server.url + "/healthz", timeout=5)
        login = requests.get(server.url + "/iok/login/", timeout=10)
        css_url = login.text.split('href="/static/css/site.', 1)[1].split('"', 1)[0]
        css = requests.get(
            f"{server.url}/static/css/site.{css_url}",
            headers={"Accept-Encoding": "gzip"},
            timeout=5,
        )
        plain = requests.get(
            server.url + "/static/css/site.css",
            headers={"Accept-Encoding": "identity"},
            timeout=5,
        )
        missing = requests.get(server.url + "/nie-ma-takiej-strony/", timeout=10)
    log = server.log_path.read_text()

    assert health.status_code == 200
    assert health.json() == {
        "status": "ok",
        "database": "ok",
        "tasks": {"waiting": 0, "oldest_wait_seconds": 0, "draining": True},
    }
    assert login.status_code == 200
    assert "Strict-Transport-Security" not in login.headers  # plain http here
    assert "__Host-csrftoken=" in login.headers["Set-Cookie"]
    assert "Secure" in login.headers["Set-Cookie"]
    # site.<12 hex>.css: the manifest storage's hashed name, served gzipped
    # with a far-future cache lifetime.
    assert len(css_url.removesuffix(".css")) == 12
    assert css.status_code == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "immutable" in css.headers["Cache-Control"]
    assert "max-age=315360000" in css.headers["Cache-Control"]
    assert ":focus-visible" in css.text
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert missing.status_code == 404
    assert "Nie znaleziono strony" in missing.text
    # Django's log lines are JSON objects on stdout (gunicorn's own are not).
    django_lines = [
        json.loads(line) for line in log.splitlines() if line.startswith("{")
    ]
    assert django_lines, log
    assert all({"time", "level", "logger", "message"} <= set(e) for e in django_lines)
