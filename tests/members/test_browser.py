"""The login and first-login flow in Debian's Chromium: works under the strict CSP
and has no serious accessibility violations (axe-core)."""

import pytest

from tests.browser_support import serious_violations

from .conftest import make_resident

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: an earlier transactional test flushes content types,
    # groups and the page tree; restore them first.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def first_login_resident(transactional_db):
    # Created before Playwright starts: its event loop forbids sync ORM calls.
    return make_resident("100201", "start1", must_change_password=True)


@pytest.fixture
def browser_data(first_login_resident, live_server):
    return first_login_resident


def log_in(page, base_url):
    page.goto(base_url + "/iok/login/")
    page.fill("#id_username", "100201")
    page.fill("#id_password", "start1")
    with page.expect_navigation():
        page.click("form.member-form button[type=submit]")


def test_first_login_in_a_browser(browser, live_server):
    # Accessibility (axe is injected, so this context bypasses the CSP).
    audit = browser.new_context(bypass_csp=True)
    page = audit.new_page()
    page.goto(live_server.url + "/iok/login/")
    assert serious_violations(page) == []
    log_in(page, live_server.url)
    assert page.url.endswith("/iok/password/")
    assert serious_violations(page) == []
    audit.close()

    # The real flow under the site's CSP: no violation reported by the browser.
    context = browser.new_context()
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, live_server.url)
    assert page.url.endswith("/iok/password/")
    page.fill("#id_old_password", "start1")
    page.fill("#id_new_password1", "lato2026")
    page.fill("#id_new_password2", "lato2026")
    with page.expect_navigation():
        page.click("form.member-form button[type=submit]")
    assert page.url.endswith("/iok/"), page.inner_text("main")
    assert "Witamy" in page.inner_text("h1")
    assert not [text for text in console if "Content Security Policy" in text]
    context.close()
