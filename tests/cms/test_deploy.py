"""Production settings pass Django's deployment checks; the admin speaks Polish."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_with_production_settings_is_clean():
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_wagtail_admin_login_page_is_in_polish(client: Client, db):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="pl"' in html
    assert "Zaloguj się" in html
