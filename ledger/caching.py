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
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

PREFIX = "iok"

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

    def __init__(self, name: str, *, timeout: int):
        self.name = name
        self.timeout = timeout
        NAMESPACES[name] = self

    def _version_key(self) -> str:
        return f"{PREFIX}:{deploy_version()}:{self.name}:version"

    def _number(self) -> int:
        key = self._version_key()
        memo = _request_memo()
        if memo is not None and key in memo:
            return memo[key]
        # A fresh version starts from the clock, not from 1: after an eviction
        # of the version it must not meet entries stored under an old one.
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


def namespace(name: str, *, timeout: int) -> Namespace:
    """The namespace ``name`` (created on first use)."""
    existing = NAMESPACES.get(name)
    if existing is not None:
        return existing
    return Namespace(name, timeout=timeout)


def bump(name: str) -> None:
    """Start a new version of the namespace ``name``."""
    NAMESPACES[name].bump()
