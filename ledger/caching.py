"""The one cache helper: named namespaces with versioned keys.

Every cached thing of the project belongs to a ``Namespace``. A key is the
prefix, the deploy version, the namespace's current version and the parts
that vary (language, audience, ...)::

    iok:<deploy>:<namespace>:v<version>:<part>:<part>

``Namespace.bump()`` starts a new version, so every key of the namespace
changes at once on the event that changes its data (publish, import, rights
change); old entries are never read again and expire with their timeout. A new
deploy changes the deploy version, so nothing cached by the previous code or
templates survives it. The namespace version itself lives in the cache (shared
between app servers when Redis is used) without a timeout.

Template fragments use the same versions: ``{% cache_version "site-links" as
v %}`` (``ledger_tags``) gives the string to pass to ``{% cache %}`` as a vary-on
argument. ``docs/architecture.md`` lists every namespace, its lifetime and what
bumps it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

PREFIX = "iok"

logger = logging.getLogger(__name__)

# Stored in place of ``None`` so that "nothing" is cached too.
_NONE = "__iok_none__"

#: Every namespace created, by name (``docs/architecture.md`` lists them).
NAMESPACES: dict[str, Namespace] = {}


@functools.cache
def deploy_version() -> str:
    """What changes on every deploy: the ``IOK_RELEASE`` setting (a release id
    from the environment) when set, else a short hash of the contents of every
    source file, template and translation catalogue (about 1 MB, read once per
    process). Contents, not file times: app servers running the same code
    share one key space, so a bump on one reaches the others."""
    release = getattr(settings, "IOK_RELEASE", "")
    if release:
        return str(release)
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in ("cms", "members", "ledger", "templates", "locale"):
        for root, dirs, files in os.walk(base / folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".html", ".txt", ".mo")):
                    path = Path(root, name)
                    digest.update(str(path.relative_to(base)).encode())
                    digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class Namespace:
    """A family of cached values that one kind of event makes stale."""

    def __init__(self, name: str, *, timeout: int, every_process: bool = False):
        self.name = name
        self.timeout = timeout
        # With a per-process cache (no REDIS_URL) a bump reaches only the
        # process that made it, and the others follow within ``timeout``.
        # ``every_process``: the version is then kept in a file that every
        # process of the machine reads (``_file_version``), so a bump is seen
        # by all workers at once (the public page cache).
        self.every_process = every_process
        NAMESPACES[name] = self

    def _version_key(self) -> str:
        return f"{PREFIX}:{deploy_version()}:{self.name}:version"

    def _number(self) -> int:
        key = self._version_key()
        memo = _request_memo()
        if memo is not None and key in memo:
            return memo[key]
        if self.every_process and not _cache_is_shared():
            number = _file_version(key)
        else:
            # A fresh version starts from the clock, not from 1: after an
            # eviction of the version it must not meet entries stored under an
            # old one.
            number = cache.get_or_set(key, time.time_ns() // 1000, None)
        if memo is not None:
            memo[key] = number
        return number

    def version(self) -> str:
        """The deploy version and this namespace's version, for a template
        fragment's vary-on arguments."""
        return f"{deploy_version()}.{self._number()}"

    def key(self, *parts: Any) -> str:
        """The full cache key of ``parts`` under the current version."""
        number = self._number()
        tail = ":".join(str(part) for part in parts)
        return f"{PREFIX}:{deploy_version()}:{self.name}:v{number}:{tail}"

    def get(self, *parts: Any, default: Any = None) -> Any:
        """The cached value of ``parts``, or ``default`` on a miss; reads the
        cache only (error pages use it while the database is down)."""
        value = self._read(self.key(*parts))
        if value is _MISSING:
            return default
        return None if value == _NONE else value

    def _read(self, key: str) -> Any:
        memo = _request_memo()
        if memo is not None and key in memo:
            return memo[key]
        value = cache.get(key, _MISSING)
        if memo is not None and value is not _MISSING:
            memo[key] = value
        return value

    def _write(self, key: str, value: Any, timeout: int) -> None:
        cache.set(key, value, timeout)
        memo = _request_memo()
        if memo is not None:
            memo[key] = value

    def set(self, parts: tuple, value: Any, timeout: int | None = None) -> None:
        self._write(
            self.key(*parts),
            _NONE if value is None else value,
            self.timeout if timeout is None else timeout,
        )

    def get_or_set(self, parts: tuple, build: Callable[[], Any]) -> Any:
        """The cached value of ``parts``; on a miss ``build()``'s result,
        stored for the namespace's timeout (``None`` is stored too)."""
        key = self.key(*parts)
        value = self._read(key)
        if value is _MISSING:
            value = build()
            self._write(key, _NONE if value is None else value, self.timeout)
            return value
        return None if value == _NONE else value

    def bump(self, *args: Any, **kwargs: Any) -> None:
        """Start a new version: every key of the namespace changes at once.
        Takes any arguments, so it can be connected as a signal receiver."""
        key = self._version_key()
        if self.every_process and not _cache_is_shared():
            _file_bump(key)
        else:
            try:
                cache.incr(key)
            except ValueError:
                # Not in the cache (evicted, or never read): a new clock value.
                cache.set(key, time.time_ns() // 1000, None)
        memo = _request_memo()
        if memo is not None:
            memo.pop(key, None)

    def __repr__(self) -> str:
        return f"<cache namespace {self.name} ({self.timeout} s)>"


_MISSING = object()

# Within one request each version and value is read from the cache once (a
# page asks for the site links three times, for several namespaces' versions
# in its fragments): ``start_request_memo``/``end_request_memo`` are connected
# to Django's request_started/request_finished in ``LedgerConfig.ready()``.
# Outside a request (commands, the task worker) nothing is kept, so a
# long-running process always sees other processes' bumps.
_local = threading.local()


def _request_memo() -> dict | None:
    return getattr(_local, "memo", None)


def start_request_memo(**kwargs: Any) -> None:
    _local.memo = {}


def end_request_memo(**kwargs: Any) -> None:
    _local.memo = None


def namespace(name: str, *, timeout: int, every_process: bool = False) -> Namespace:
    """The namespace ``name`` (created on first use)."""
    existing = NAMESPACES.get(name)
    if existing is not None:
        return existing
    return Namespace(name, timeout=timeout, every_process=every_process)


# --- Versions every process of the machine sees, without a shared cache --------


def _cache_is_shared() -> bool:
    """Whether the default cache is one every process reads (Redis,
    memcached, a database or file cache), not each process's own memory."""
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(("LocMemCache", "DummyCache"))


def version_folder() -> Path:
    """Where the every-process versions live: ``IOK_CACHE_VERSION_DIR``, or a
    folder in the temporary directory named after this installation and its
    database, so two checkouts or two databases on one machine never share
    versions (nor do the test databases of parallel runs)."""
    configured = getattr(settings, "IOK_CACHE_VERSION_DIR", "")
    if configured:
        return Path(configured)
    database = settings.DATABASES["default"]
    identity = "|".join(
        str(part)
        for part in (
            settings.BASE_DIR,
            database.get("HOST", ""),
            database.get("PORT", ""),
            database.get("NAME", ""),
        )
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"iok-cache-versions-{digest}"


def _version_path(key: str) -> Path:
    return version_folder() / hashlib.sha256(key.encode()).hexdigest()[:32]


def _file_version(key: str) -> int:
    """The version stored in the key's file (a few microseconds: one small
    read); created from the clock on first use."""
    try:
        return int(_version_path(key).read_text() or 0)
    except (FileNotFoundError, ValueError):
        pass
    except OSError as error:  # unreadable: the per-process version serves
        logger.warning("cache version file unreadable: %s", error)
        return cache.get_or_set(key, time.time_ns() // 1000, None)
    return _file_bump(key)


def _file_bump(key: str) -> int:
    """A new version (the clock in microseconds, always above the old one),
    written to a temporary file and renamed over the old one, so a reader
    sees the old or the new number, never half of one."""
    path = _version_path(key)
    try:
        old = int(path.read_text() or 0)
    except (OSError, ValueError):
        old = 0
    number = max(time.time_ns() // 1000, old + 1)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(handle, "w") as stream:
            stream.write(str(number))
        os.replace(temporary, path)
    except OSError as error:
        # Never let a publication fail for this: the other processes follow
        # within the namespace's timeout, this one at once.
        logger.warning("cache version file not written: %s", error)
        cache.set(key, number, None)
    return number


def bump(name: str) -> None:
    """Start a new version of the namespace ``name``."""
    NAMESPACES[name].bump()
