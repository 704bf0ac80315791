"""What the browser tests share: Debian's chromium driven by Playwright, and
axe-core for accessibility (the recipe of shared/BROWSER-TESTS.md).

The ``browser`` fixture (``tests/conftest.py``) launches chromium through
``launched_chromium()``. With CI=true a missing chromium or axe-core is a
failure; elsewhere the test is skipped with the command that enables it.
Screenshots and reports go to ``artifacts/`` (git-ignored).
"""

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Without the background-networking family of flags chromium tries to reach
#: the internet at start.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ENABLE = (
    "Browser tests need Debian's chromium and axe-core: "
    "`apt-get install -y chromium` and `make install-test` (npm install)."
)


def require_chromium_and_axe() -> None:
    """Fail (CI=true) or skip the test unless chromium and axe-core are here."""
    if Path(CHROMIUM).exists() and AXE.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"chromium or node_modules/axe-core is missing in CI. {ENABLE}")
    pytest.skip(ENABLE)


@contextmanager
def launched_chromium():
    """Debian's chromium under Playwright (never Playwright's own download)."""
    require_chromium_and_axe()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page (its context needs ``bypass_csp=True``
    for the injected script)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run()).violations")


def serious(violations: list[dict]) -> list[str]:
    """The serious and critical violations, one line each."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} ({len(v['nodes'])})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def serious_violations(page) -> list[str]:
    return serious(axe_violations(page))


def axe_counts(page) -> tuple[dict, list[str]]:
    """Violations on the page counted by impact (with their ids), and the
    serious and critical ones, one line each."""
    violations = axe_violations(page)
    counts = {"critical": 0, "serious": 0, "moderate": 0, "minor": 0, "ids": []}
    for violation in violations:
        counts[violation["impact"]] += 1
        counts["ids"].append(violation["id"])
    return counts, serious(violations)


def axe_report(report: dict, path: Path, capsys) -> None:
    """Write the per-page counts to ``path`` (artifacts/, git-ignored) and
    print them with the test output."""
    path.write_text(json.dumps(report, indent=2))
    with capsys.disabled():
        print("\naxe-core violations by impact (critical/serious/moderate/minor):")
        for page, counts in report.items():
            print(
                f"  {page:<45} {counts['critical']}/{counts['serious']}/"
                f"{counts['moderate']}/{counts['minor']}  {' '.join(counts['ids'])}"
            )
