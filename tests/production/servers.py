"""Run the app the way production does, for the multi-server and fault tests.

``AppServer`` starts gunicorn with ``cms.settings.production`` on one of this
project's test ports (8107–8112, or ``IOK_TEST_PORTS``) and stops it by its own
process group.
``HttpClient`` is a small HTTP client that keeps cookies itself: production
cookies are ``__Host-``/Secure, which a real browser (and ``requests``' cookie
jar) would refuse to send over plain http://127.0.0.1. The settings are NOT
relaxed for the tests; the client simply sends the Cookie header itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _ports() -> range:
    """The test ports: 8107-8112, or IOK_TEST_PORTS="first-last" when several
    runs share a machine."""
    first, _sep, last = os.environ.get("IOK_TEST_PORTS", "8107-8112").partition("-")
    return range(int(first), int(last or first) + 1)


PORTS = _ports()
SECRET_KEY = "production-test-key-" + "x" * 40
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def ci() -> bool:
    return os.environ.get("CI") == "true"


def require_postgresql() -> None:
    """Several processes share one database: SQLite's in-memory test database
    cannot be shared, so these tests run in the PostgreSQL run (CI requires it)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs in `make test`'s PostgreSQL run)")


def shared_database_url() -> str:
    """The pytest-django test database, for processes started by a test."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgresql://{auth}@{host}/{s['NAME']}"


def free_port(taken: tuple[int, ...] = ()) -> int:
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as probe:
            # As gunicorn does: a port in TIME_WAIT from a stopped server is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def production_env(database_url: str, static_root: Path, **extra: str) -> dict:
    """The environment of a production app server (docs/configuration.md)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "GUNICORN_", "AXES_"))
        and key not in {"SESSION_ENGINE", "CACHE_KEY_PREFIX", "MEDIA_ROOT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
        MEDIA_ROOT=str(static_root.parent / "media"),
        LOG_LEVEL="WARNING",
        GUNICORN_WORKERS="1",
        GUNICORN_TIMEOUT="30",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def collect_static(static_root: Path, database_url: str) -> None:
    subprocess.run(
        [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=production_env(database_url, static_root),
        check=True,
        capture_output=True,
        timeout=300,
    )


class AppServer:
    """One gunicorn (production settings) on 127.0.0.1:``port``."""

    def __init__(self, env: dict, port: int, log_path: Path, name: str = "app"):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.name = name
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> AppServer:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                "cms/gunicorn.conf.py",
                "cms.wsgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited at start:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            time.sleep(0.25)
        self.stop()
        pytest.fail(f"{self.name} did not answer /healthz:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        text = (
            self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        )
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class HttpClient:
    """Keeps its own cookies and sends them on any server it talks to, the way
    a load balancer passes a browser's cookies to whichever app server."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(
            method,
            url,
            headers=headers,
            allow_redirects=False,
            timeout=kwargs.pop("timeout", 15),
            **kwargs,
        )
        self.http.cookies.clear()  # ours are in self.cookies
        for cookie in response.cookies:
            if cookie.value and not cookie.is_expired():
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post_form(self, url: str, data: dict, form_url: str | None = None):
        """GET the form (for its CSRF token), then POST it."""
        page = self.get(form_url or url)
        token = CSRF_FIELD.search(page.text)
        assert token, f"no CSRF token on {form_url or url}: {page.status_code}"
        return self.request(
            "POST", url, data={"csrfmiddlewaretoken": token.group(1), **data}
        )

    def login(self, server_url: str, username: str, password: str):
        return self.post_form(
            server_url + "/iok/login/", {"username": username, "password": password}
        )
