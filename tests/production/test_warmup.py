"""The app's warm-up (cms/warmup.py): what a gunicorn worker would otherwise do
on its first requests is done when cms.wsgi is loaded, i.e. in the master
before it forks workers (preload_app), so a new or recycled worker's first
request is not 0.7-1.4 s slow (bench/fresh_worker.py measures it)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from cms import demo

from .servers import AppServer, free_port, production_env, require_postgresql
from .servers import shared_database_url as database_url

ROOT = Path(__file__).resolve().parents[2]

# Loads cms.wsgi as gunicorn's master does, then does what a worker's first
# requests would do and reports what that still had to import or compile.
PROBE = r"""
import gc, json, sys
import cms.wsgi
from django.template import engines
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.translation import trans_real
from wagtail import hooks

frozen = gc.get_freeze_count()
loader = engines["django"].engine.template_loaders[0]
cached = set(loader.get_template_cache)
before = set(sys.modules)
for code in ("pl", "en"):
    with translation.override(code):
        reverse("members:payments")
        resolve("/iok/platnosci/")
for name in ("members/area/payments.html", "members/area/dashboard.html",
             "cms/home_page.html", "base.html"):
    engines["django"].get_template(name)
hooks.get_hooks("before_serve_page")
print(json.dumps({
    "frozen": frozen,
    "imported": sorted(set(sys.modules) - before),
    "cached": sorted(cached),
    "catalogues": sorted(trans_real._translations),
}))
"""


def test_loading_the_wsgi_app_imports_views_compiles_templates_and_freezes_them():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])

    # The first requests imported nothing more: views, template tag
    # libraries and Wagtail's hooks were all loaded with the app.
    assert report["imported"] == []
    # The pages' templates were compiled ahead (the cached loader holds them).
    for name in (
        "members/area/payments.html",
        "members/area/base_area.html",
        "cms/home_page.html",
        "base.html",
    ):
        assert name in report["cached"]
    assert {"pl", "en"} <= set(report["catalogues"])
    # Everything loaded is out of the workers' garbage collections.
    assert report["frozen"] > 100_000


def wagtail_root():
    """Wagtail's root page and default locale, as its migrations create them:
    an earlier transactional test's flush may have removed them."""
    from django.conf import settings as django_settings

    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(
            django_settings.LANGUAGE_CODE
        )
    )
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root"))


@pytest.mark.django_db(transaction=True)
def test_a_recycled_worker_serves_the_home_page_from_its_cache_at_once(
    static_root, tmp_path, settings
):
    """gunicorn recycles its worker every 3 requests here: each new worker has
    rendered the home page into its own cache before accepting a request
    (post_worker_init), so no visitor meets a cold worker's page; a recycled
    worker ends (worker_exit) and the next one takes over."""
    require_postgresql()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    wagtail_root()
    demo.seed(stdout=io.StringIO())
    env = production_env(
        database_url(),
        static_root,
        GUNICORN_MAX_REQUESTS="3",
        GUNICORN_MAX_REQUESTS_JITTER="0",
        LOG_LEVEL="INFO",
    )
    with AppServer(env, free_port(), tmp_path / "gunicorn.log") as server:
        # As a front proxy sends it: the site's host name, no port.
        answers = [
            requests.get(server.url + "/", headers={"Host": "127.0.0.1"}, timeout=15)
            for _ in range(10)
        ]
    log = server.log_path.read_text()

    assert [answer.status_code for answer in answers] == [200] * 10
    assert [answer.headers.get("X-IOK-Cache") for answer in answers] == ["hit"] * 10
    assert log.count("Autorestarting worker") >= 3
    assert log.count("worker warmed up") >= 4
