"""One vote end to end at phone width (issue 17, "Must show"): demo owner
100001 logs in, finds the open demo vote on the dashboard, opens it and its
attachment, votes, sees the receipt, changes the vote, and gets a new
receipt; both receipts also go out by e-mail. Every page passes axe-core and
has no horizontal scrolling at 360 px.

Screenshots go to artifacts/votes/ (git-ignored). With CI=true a missing
chromium or axe-core is a failure; elsewhere the test is skipped.
"""

import io
import re

from django.core import mail
from django.core.management import call_command

import pytest

from tests.browser.test_phone import FIRST_PASSWORD, audit, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"width": 360, "height": 800}


@pytest.fixture
def browser_data(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IOK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.AXES_ENABLED = False  # the live server shares one address for all
    call_command("seed_demo", "--units", "20", "--years", "1", stdout=io.StringIO())
    return live_server.url


def _check(page, problems: dict, name: str, folder) -> None:
    found = audit(page)
    if found["overflow"] > 0 or any(found[k] for k in found if k != "overflow"):
        problems[name] = found
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_an_owner_votes_changes_the_vote_and_gets_receipts_on_a_phone(
    browser_data, browser, artifacts
):
    base = browser_data
    folder = artifacts / "votes"
    folder.mkdir(exist_ok=True)
    problems = {}
    context = browser.new_context(bypass_csp=True, viewport=PHONE, locale="pl-PL")
    page = context.new_page()
    mail.outbox = []

    log_in(page, base, FIRST_PASSWORD)
    waiting = page.locator("section[aria-labelledby=votes-awaiting]")
    assert waiting.is_visible()
    _check(page, problems, "01-dashboard", folder)
    waiting.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r".*/iok/glosowania/\d+/$"))
    vote_url = page.url
    assert page.get_by_role("heading", name="Treść uchwały").is_visible()
    assert "udziałów" in page.locator(".explain").inner_text()
    _check(page, problems, "02-vote", folder)

    # The attachment is served (a download, privately).
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"\.pdf$")).first.click()
    assert download.value.suggested_filename.endswith(".pdf")

    # Vote "for" the first unit.
    ballot = page.locator("form.ballot-form").first
    ballot.get_by_label("Za", exact=True).check()
    ballot.get_by_role("button", name="Oddaj głos").click()
    page.wait_for_url("**/potwierdzenie/")
    receipt = page.locator(".receipt").first
    assert "Za" in receipt.inner_text()
    first_number = receipt.locator("code").inner_text()
    assert re.fullmatch(r"GL-[A-Z2-9]{10}", first_number)
    assert "Twój głos został zapisany" in page.locator(".messages").inner_text()
    _check(page, problems, "03-receipt", folder)

    # Change it to "against": one ballot, a new receipt number.
    page.goto(vote_url)
    ballot = page.locator("form.ballot-form").first
    assert ballot.get_by_label("Za", exact=True).is_checked()
    assert "Twój głos: za" in page.locator(".ballot").first.inner_text()
    ballot.get_by_label("Przeciw", exact=True).check()
    _check(page, problems, "04-change", folder)
    ballot.get_by_role("button", name="Zmień mój głos").click()
    page.wait_for_url("**/potwierdzenie/")
    receipt = page.locator(".receipt").first
    assert "Przeciw" in receipt.inner_text()
    second_number = receipt.locator("code").inner_text()
    assert second_number != first_number
    _check(page, problems, "05-receipt-changed", folder)

    page.goto(vote_url)
    assert "Twój głos: przeciw" in page.locator(".ballot").first.inner_text()
    _check(page, problems, "06-vote-after-change", folder)
    context.close()

    assert problems == {}
    # Both receipts went out by e-mail (the task worker runs them at once in
    # the tests), each with its own number.
    bodies = [message.body for message in mail.outbox if "uchwały" in message.subject]
    assert len(bodies) == 2
    assert first_number in bodies[0] and second_number in bodies[1]
