"""Production settings: security headers, cookies, and `check --deploy` is clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.test import Client

import pytest

from .conftest import load_production_settings, login

ROOT = Path(__file__).resolve().parents[2]
# Everything from production.py except what needs real infrastructure.
KEEP_TEST_VALUES = {
    "DATABASES",
    "CACHES",
    "STORAGES",
    "TASKS",
    "PASSWORD_HASHERS",
    "TEMPLATES",
    "ALLOWED_HOSTS",
    "SECRET_KEY",
    "LOGGING",
}


def _production_env() -> dict[str, str]:
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }


@pytest.fixture
def production_settings(settings, monkeypatch):
    for name, value in _production_env().items():
        monkeypatch.setenv(name, value)
    production = load_production_settings()
    missing = object()
    for name in dir(production):
        if not name.isupper() or name in KEEP_TEST_VALUES:
            continue
        value = getattr(production, name)
        if getattr(settings, name, missing) != value:
            setattr(settings, name, value)
    return settings


@pytest.mark.django_db
def test_production_response_carries_the_security_headers(
    production_settings, resident
):
    client = Client()
    insecure = client.get("/iok/login/")
    assert insecure.status_code == 301
    assert insecure["Location"] == "https://testserver/iok/login/"

    response = client.get("/iok/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    csp = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    csrf_cookie = response.cookies["__Host-csrftoken"]
    assert csrf_cookie["secure"]
    assert csrf_cookie["httponly"]
    assert csrf_cookie["path"] == "/"
    assert not csrf_cookie["domain"]

    logged_in = login(client, "100200", "lato2026", secure=True)
    assert logged_in["Location"] == "/iok/"
    session_cookie = logged_in.cookies["__Host-sessionid"]
    assert session_cookie["secure"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["path"] == "/"
    assert client.get("/iok/", secure=True).status_code == 200


@pytest.mark.django_db
def test_only_the_wagtail_admin_gets_the_relaxed_policy(client):
    site = client.get("/iok/login/")["Content-Security-Policy"]
    admin = client.get("/admin/login/")["Content-Security-Policy"]
    assert "unsafe-inline" not in site
    assert "'unsafe-inline'" in admin
    assert "object-src 'none'" in admin


def test_check_deploy_prints_no_warnings_with_production_settings():
    env = {
        **os.environ,
        **_production_env(),
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
