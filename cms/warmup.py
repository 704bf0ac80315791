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
* the URL resolver's reverse tables and regular expressions, the translation
  catalogues and the format modules (``cms/formats``), per language; Wagtail's
  hooks (every app's ``wagtail_hooks`` module, imported on the first
  ``hooks.get_hooks``).

What a worker still does on its first requests is what a cache miss costs any
worker (its own per-process cache starts empty without ``REDIS_URL``) and its
database connection: measured alike in a fresh worker and in a warm one after
``cache.clear()``.

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
from django.utils import formats, translation

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
            formats.get_format("DATE_FORMAT")  # imports its format modules
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


# --- In each worker, before it accepts a request ----------------------------------

#: At most this many public pages are rendered by a new worker before it
#: accepts requests.
WORKER_WARM_PAGES = 6

#: The worker's warm-up gives up after this many seconds (a database that does
#: not answer must not keep it from serving, nor have gunicorn kill it).
WORKER_WARM_SECONDS = 5


def _worker_host() -> str | None:
    """The host the worker's own requests name: the first of ALLOWED_HOSTS
    when it is a plain name (the public page cache keys hold the host)."""
    for host in settings.ALLOWED_HOSTS:
        if host and not host.startswith(".") and "*" not in host:
            return host
    return None


def worker_paths() -> list[str]:
    """The pages of the site's main menu and footer (``cms.site_links``: home,
    notices, rules, contact, privacy clause): what most visitors open."""
    from cms.site_links import get_site_links

    links = get_site_links()
    paths = []
    for url in (
        links.home_url,
        links.notices_url,
        links.rules_url,
        links.contact_url,
        links.privacy_url,
    ):
        if url and url.startswith("/") and url not in paths:
            paths.append(url)
    return paths[:WORKER_WARM_PAGES]


def warm_worker(application) -> None:
    """Called by gunicorn in each new worker before it accepts a request
    (``post_worker_init`` in cms/gunicorn.conf.py): its database connection
    opened, and the main menu's and footer's pages rendered into its own cache
    (per process without ``REDIS_URL``), through the app itself as an
    anonymous visitor would. A worker recycled under load then serves its
    first visitors as fast as the others; the other workers serve meanwhile.
    Never stops a worker from starting: a failure is logged, and a database
    that does not answer within ``WORKER_WARM_SECONDS`` ends the warm-up."""
    import signal
    import threading

    from django.db import connections

    host = _worker_host()
    if host is None:
        return
    started = time.perf_counter()
    timed = threading.current_thread() is threading.main_thread()
    if timed:

        def too_long(signum, frame):
            raise TimeoutError(f"more than {WORKER_WARM_SECONDS} s")

        previous = signal.signal(signal.SIGALRM, too_long)
        signal.setitimer(signal.ITIMER_REAL, WORKER_WARM_SECONDS)
    try:
        paths = worker_paths()
        for path in paths:
            _get(application, host, path)
    except Exception:  # the worker starts anyway
        logger.warning("worker warm-up failed", exc_info=True)
        connections.close_all()  # perhaps left mid-query: a fresh one later
        return
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    logger.info(
        "worker warmed up in %.3f s (%d pages)",
        time.perf_counter() - started,
        len(paths),
    )


def _get(application, host: str, path: str) -> None:
    """An anonymous GET of ``path`` through the WSGI application."""
    import io
    import sys

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        # The scheme production serves (SECURE_SSL_REDIRECT): a page, not a
        # redirect to it.
        "wsgi.url_scheme": "https" if settings.SECURE_SSL_REDIRECT else "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    result = application(environ, lambda status, headers, *_: None)
    try:
        for _chunk in result:
            pass
    finally:
        if hasattr(result, "close"):
            result.close()


def end_recycled_worker() -> None:
    """Called by gunicorn as a worker recycled after ``max_requests`` exits
    (``worker_exit`` in cms/gunicorn.conf.py), its last request answered: its
    database connections closed and its logs flushed, then the process ends
    without the interpreter's finalization. Tearing down every module and
    object one by one took 0.5-0.9 s (bench/fresh_worker.py's machine, busy),
    and gunicorn starts the replacement only once the old worker is gone: the
    other workers carried all the load meanwhile, and with two workers
    recycled close together none was left."""
    import os
    import sys

    from django.db import connections

    try:
        connections.close_all()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(0)
