"""The app's warm-up, done once when the WSGI application is loaded (cms.wsgi).

Django and Wagtail do a lot of work lazily, on the first request a process
serves. With gunicorn's ``preload_app`` the master loads the app and forks the
workers from it, but the master never serves a request: without this, every
new worker, and every worker gunicorn recycles under load (``max_requests``),
paid for all of it on its first requests. Timed with bench/fresh_worker.py
(docs/member-area.md, "Benchmark"): a fresh worker's first request took
0.7-1.4 s against 0.4-25 ms warm, of which

* about 1 s importing the URLconf and through it every view module, fpdf and
  cryptography (``ledger.pdf``), the Wagtail admin's views (~380 modules);
* about 0.3 s compiling the templates of the page (the cached template loader
  keeps each compiled template per process, by name);
* the URL resolver's reverse tables and regular expressions (per language),
  Wagtail's hooks (every app's ``wagtail_hooks`` module, imported on the first
  ``hooks.get_hooks``) and the translation catalogues (per language).

Here it is done before the fork, so every worker inherits it. Nothing here
touches the database or the cache (the master must not hold connections its
workers would share). Without preload (``GUNICORN_PRELOAD=0``) each worker
does it while booting, before it accepts a request.
"""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger(__name__)

#: The project's own apps: their templates are compiled ahead (Wagtail's admin
#: templates are left to the admin's first request).
PROJECT_APPS = ("cms", "members", "ledger")


def project_template_names() -> list[str]:
    """Names of the project's templates: the ``templates`` folder and each
    project app's ``templates`` folder."""
    base = Path(settings.BASE_DIR)
    folders = [base / "templates"] + [base / app / "templates" for app in PROJECT_APPS]
    names = set()
    for folder in folders:
        if folder.is_dir():
            names.update(
                path.relative_to(folder).as_posix()
                for path in folder.rglob("*")
                if path.suffix in (".html", ".txt") and path.is_file()
            )
    return sorted(names)


def compile_templates() -> int:
    """Every project template compiled into the cached loader of each Django
    template engine (their ``{% load %}`` imports the tag libraries)."""
    count = 0
    for engine in engines.all():
        for name in project_template_names():
            try:
                engine.get_template(name)
            except TemplateSyntaxError as error:  # served as before: on request
                logger.warning("template %s not compiled ahead: %s", name, error)
            except Exception:  # noqa: BLE001, S112 (a template of another engine)
                continue
            count += 1
    return count


def warm_up() -> None:
    started = time.perf_counter()
    from wagtail import hooks

    # The URLconf and every view module it imports; the reverse tables and
    # the patterns' regular expressions of each language.
    get_resolver().url_patterns  # noqa: B018
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # loads the language's catalogues
            reverse("healthz")
    hooks.search_for_hooks()
    templates = compile_templates()
    logger.info(
        "warmed up in %.2f s (%d templates compiled)",
        time.perf_counter() - started,
        templates,
    )
    # What the master loaded is never freed: out of the collector's way, so
    # the workers' collections neither scan it nor touch (copy) its pages.
    gc.freeze()
