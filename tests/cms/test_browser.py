"""The public site in a real browser: axe-core finds no serious accessibility
problem, and the keyboard reaches the skip link first (Playwright + Debian's
chromium, as in shared/BROWSER-TESTS.md)."""

import io

import pytest

from cms import demo
from tests.browser_support import axe_counts, axe_report

PATHS = [
    "/",
    "/ogloszenia/",
    "/ogloszenia/harmonogram-odczytow-podzielnikow/",
    "/zasady-iok/",
    "/rodo/",
    "/kontakt/",
    "/o-spoldzielni/",
    "/szukaj/?q=wody",
    "/nie-ma-takiej-strony/",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded_site(live_server, settings, tmp_path):
    """Seeded before the browser starts: Playwright's event loop would make
    Django refuse database calls from this thread."""
    settings.MEDIA_ROOT = tmp_path
    demo.seed(stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def browser_data(seeded_site):
    return seeded_site


def test_public_pages_have_no_serious_accessibility_violations(
    seeded_site, browser, artifacts, capsys
):
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    problems, report = {}, {}
    for path in PATHS:
        page.goto(seeded_site + path)
        report[path], serious = axe_counts(page)
        if serious:
            problems[path] = serious
        name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
        page.screenshot(path=str(artifacts / f"cms-{name}.png"), full_page=True)
    context.close()
    axe_report(report, artifacts / "axe-report-public.json", capsys)
    assert problems == {}


def test_keyboard_reaches_a_visible_skip_link_first(seeded_site, browser):
    page = browser.new_page()
    page.goto(seeded_site + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const e = document.activeElement, r = e.getBoundingClientRect();
            return {cls: e.className, text: e.textContent,
                    visible: r.left >= 0 && r.top >= 0,
                    outline: getComputedStyle(e).outlineStyle};
        }"""
    )
    assert focused["cls"] == "skip-link"
    assert focused["text"] == "Przejdź do treści"
    assert focused["visible"]
    assert focused["outline"] != "none"
