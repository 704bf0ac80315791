"""docs/configuration.md describes every environment variable the settings and
the gunicorn configuration read."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "cms" / "settings").glob("*.py")),
    ROOT / "cms/gunicorn.conf.py",
]
DOC = ROOT / "docs" / "configuration.md"
# os.environ["X"], os.environ.get("X"…), os.getenv("X"), env_bool("X"), env_list("X"),
# dj_database_url.config(env="X"); the name may sit on the next line.
READS = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|getenv|env_bool|env_list)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
    r"""|\benv\s*=\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def variables_read() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for source in SOURCES:
        for match in READS.finditer(source.read_text()):
            name = next(group for group in match.groups() if group)
            found.setdefault(name, set()).add(source.name)
    return found


def test_the_scan_finds_the_variables_it_should():
    """Guards the regular expression itself: multi-line calls, brackets, env=."""
    found = variables_read()
    for name in (
        "DJANGO_SECRET_KEY",
        "REDIS_URL",
        "DATABASE_URL",
        "EMAIL_BACKEND",
        "IOK_RULES_RESOLUTION",
        "GUNICORN_WORKERS",
        "DJANGO_ALLOWED_HOSTS",
        "IOK_PASSWORD_REQUIRE_UPPER",
    ):
        assert name in found, name
    assert len(found) >= 40


def test_every_environment_variable_is_documented():
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", DOC.read_text(), re.M))
    missing = {
        name: sorted(files)
        for name, files in variables_read().items()
        if name not in documented
    }
    assert missing == {}, f"add these to docs/configuration.md: {missing}"


def test_documented_variables_exist():
    """No stale rows: every documented variable is read somewhere (or is the
    settings module selector)."""
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", DOC.read_text(), re.M))
    stale = documented - set(variables_read()) - {"DJANGO_SETTINGS_MODULE"}
    assert stale == set()
