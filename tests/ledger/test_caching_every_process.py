"""Namespaces with ``every_process`` (the public page cache): without a shared
cache (no REDIS_URL, each gunicorn worker has its own memory) a bump made in
one process is seen by every other process of the machine at once."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import pytest

from ledger.caching import end_request_memo, namespace

EVERY = namespace("test-every-process", timeout=60, every_process=True)
PER_PROCESS = namespace("test-per-process", timeout=60)

ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def version_folder(settings, tmp_path):
    end_request_memo()
    settings.IOK_CACHE_VERSION_DIR = str(tmp_path)
    return tmp_path


def bump_in_another_process(name: str, folder: Path, *, every_process=True) -> None:
    """What an editor's publication in another gunicorn worker does."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "IOK_CACHE_VERSION_DIR": str(folder),
            "LOG_LEVEL": "WARNING",
        }
    )
    code = (
        "import django; django.setup()\n"
        "from ledger.caching import namespace\n"
        f"namespace({name!r}, timeout=60, every_process={every_process}).bump()\n"
    )
    subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120
    )


def test_a_bump_in_another_process_is_seen_here_at_once(version_folder):
    before = EVERY.key("home")
    assert EVERY.key("home") == before  # stable while nothing changes
    bump_in_another_process("test-every-process", version_folder)
    assert EVERY.key("home") != before


def test_a_bump_here_changes_the_key_at_once(version_folder):
    before = EVERY.key("home")
    EVERY.bump()
    after = EVERY.key("home")
    assert after != before
    EVERY.bump()
    assert EVERY.key("home") not in (before, after)


def test_a_per_process_namespace_does_not_hear_another_process(version_folder):
    """Why the public page cache needs ``every_process``: the plain namespaces
    keep their version in this process's memory without Redis."""
    before = PER_PROCESS.key("links")
    bump_in_another_process("test-per-process", version_folder, every_process=False)
    assert PER_PROCESS.key("links") == before


def test_an_unwritable_folder_never_breaks_a_bump(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.IOK_CACHE_VERSION_DIR = str(blocker / "versions")
    before = EVERY.key("home")
    EVERY.bump()
    assert EVERY.key("home") != before
