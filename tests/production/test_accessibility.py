"""Accessibility of the member area in Debian's Chromium (Playwright).

1. A keyboard-only walk: login → forced password change → dashboard → ledger,
   with Tab, typing and Enter only, under the site's real CSP. Every element
   that receives focus on the way must show a visible focus indicator.
2. axe-core over every member page, the login and error pages: the counts of
   violations by impact are printed per page; none may be serious or critical.
"""

import datetime as dt
from decimal import Decimal

import pytest

from tests.area.conftest import book_month, make_resident
from tests.browser_support import axe_counts, axe_report

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.production.error_urls"),
]

FIRST_PASSWORD = "start1"
NEW_PASSWORD = "Jesien2026"
FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e), r = e.getBoundingClientRect();
    return {
        tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name'),
        href: e.getAttribute('href') || '',
        text: (e.innerText || '').trim().slice(0, 40),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
        ring: s.boxShadow !== 'none',
        onscreen: r.width > 0 && r.height > 0,
    };
}"""


@pytest.fixture
def first_login_resident(django_user_model):
    """A resident at their first login, with a flat and a booked month.
    Created before Playwright starts (its event loop forbids sync ORM calls)."""
    user, party, units = make_resident(
        django_user_model,
        number="620001",
        name="Teresa Klawiaturowa",
        must_change_password=True,
    )
    user.set_password(FIRST_PASSWORD)
    user.save()
    today = dt.date.today()
    book_month(units[0], today.replace(day=1), paid=Decimal("530.00"))
    book_month(
        units[0],
        (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1),
        paid=Decimal("500.00"),
    )
    return user, units[0]


@pytest.fixture
def browser_data(first_login_resident, live_server):
    return first_login_resident


def tab_to(page, wanted, walk: list, limit: int = 80) -> dict:
    """Press Tab until ``wanted(focused)``; every stop is recorded in ``walk``."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        focused["page"] = page.url
        walk.append(focused)
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached the element on {page.url}: {walk[-5:]}")


def test_keyboard_only_walk_from_login_to_the_ledger(
    browser, live_server, first_login_resident
):
    user, unit = first_login_resident
    page = browser.new_context().new_page()  # the site's CSP applies
    console = []
    page.on("console", lambda message: console.append(message.text))
    walk: list[dict] = []

    page.goto(live_server.url + "/iok/login/")
    tab_to(page, lambda f: f["id"] == "id_username", walk)
    page.keyboard.type(user.username)
    tab_to(page, lambda f: f["id"] == "id_password", walk)
    page.keyboard.type(FIRST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/iok/password/**")

    tab_to(page, lambda f: f["id"] == "id_old_password", walk)
    page.keyboard.type(FIRST_PASSWORD)
    tab_to(page, lambda f: f["id"] == "id_new_password1", walk)
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, lambda f: f["id"] == "id_new_password2", walk)
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/iok/")
    assert "Witamy, Teresa Klawiaturowa" in page.content()

    tab_to(page, lambda f: f["href"] == f"/iok/kartoteka/{unit.pk}/", walk)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/iok/kartoteka/{unit.pk}/**")
    assert "Saldo" in page.content()
    # The ledger's own controls are reachable too (period form, table).
    tab_to(page, lambda f: f["tag"] in ("select", "input", "button"), walk)

    invisible = [f for f in walk if not (f["onscreen"] and (f["outline"] or f["ring"]))]
    assert invisible == [], invisible
    assert len(walk) >= 8
    assert not [m for m in console if "Content Security Policy" in m], console


def test_axe_finds_no_serious_violation_on_member_and_error_pages(
    browser, live_server, first_login_resident, artifacts, capsys
):
    user, unit = first_login_resident
    context = browser.new_context(bypass_csp=True)  # for the injected axe script
    page = context.new_page()
    report, problems = {}, {}

    def audit(path: str, label: str | None = None) -> None:
        if path:
            page.goto(live_server.url + path)
            assert page.url == live_server.url + path  # not sent to the login
        counts, serious = axe_counts(page)
        report[label or path] = counts
        if serious:
            problems[label or path] = serious

    audit("/iok/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", FIRST_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/iok/password/**")
    audit("", "/iok/password/ (forced)")
    page.fill("#id_old_password", FIRST_PASSWORD)
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.press("#id_new_password2", "Enter")
    page.wait_for_url(live_server.url + "/iok/")
    for path in [
        "/iok/",
        f"/iok/kartoteka/{unit.pk}/",
        f"/iok/kartoteka/{unit.pk}/zgloszenie/",
        "/iok/zgloszenia/",
        "/iok/kredyty/",
        "/iok/liczniki/",
        "/iok/czlonkostwo/",
        "/iok/dane-kontaktowe/",
        "/iok/platnosci/",
        "/iok/ogloszenia/",
        "/iok/moje-dane/",
        "/iok/password/",
        "/iok/security/",
        "/nie-ma-takiej-strony/",
        "/test-errors/403/",
        "/test-errors/500/",
        "/test-errors/db/",
    ]:
        audit(path)
    context.close()

    axe_report(report, artifacts / "axe-report.json", capsys)
    assert problems == {}
