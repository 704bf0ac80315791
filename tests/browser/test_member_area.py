"""The member area in a real browser (Playwright driving Debian's chromium, as
in shared/BROWSER-TESTS.md), against a live server with ``seed_demo`` data.

Resident 100001 logs in with the first password, is made to change it, sees
both zones on the dashboard, opens a ledger, submits a meter reading and logs
out, on a desktop and on a phone-sized screen (375 px). Screenshots go to
artifacts/ (git-ignored); axe-core finds no serious or critical problem on the
login, dashboard, ledger and meter pages.

With CI=true a missing browser or axe-core is a failure; elsewhere the tests
are skipped with the command that enables them.
"""

import datetime as dt
import io
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

import pytest

from ledger.models import Meter, MeterReading, Party, Unit
from tests.browser_support import serious_violations

IDENTIFIER = "100001"
FIRST_PASSWORD = "start1"
NEW_PASSWORD = "Jesien2025x"
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 375, "height": 812},
}
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _meter_plan() -> dict:
    """A meter of 100001 per viewport and a plausible reading for it (read here,
    before Playwright starts: its event loop makes Django refuse queries)."""
    party = Party.objects.get(number=IDENTIFIER)
    meters = list(
        Meter.objects.filter(
            unit__rights__party=party, removed_on__isnull=True
        ).order_by("pk")
    )
    assert meters, "seed_demo gives resident 100001 meters"
    today = timezone.localdate()
    plan = {}
    for index, name in enumerate(VIEWPORTS):
        meter = meters[index % len(meters)]
        day = today - dt.timedelta(days=index)
        last = (
            MeterReading.objects.filter(
                meter=meter, status="accepted", reading_date__lte=day
            )
            .order_by("-reading_date", "-id")
            .first()
        )
        value = (last.value if last else Decimal(0)) + Decimal("0.5")
        plan[name] = {
            "id": meter.pk,
            "date": day.isoformat(),
            "value": str(value).replace(".", ","),
        }
    return plan


@pytest.fixture
def demo_server(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IOK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.AXES_ENABLED = False  # the live server shares one address for all
    call_command("seed_demo", "--units", "40", "--years", "2", stdout=io.StringIO())
    party = Party.objects.get(number=IDENTIFIER)
    zones = set(Unit.objects.filter(rights__party=party).values_list("zone", flat=True))
    assert zones == {"cooperative", "community"}, "100001 holds units in both zones"
    return live_server.url, _meter_plan()


@pytest.fixture
def browser_data(demo_server):
    return demo_server


def test_resident_journey_on_desktop_and_phone(demo_server, browser, artifacts):
    base, plan = demo_server
    password = FIRST_PASSWORD
    problems = {}
    for name, viewport in VIEWPORTS.items():
        context = browser.new_context(
            bypass_csp=True, viewport=viewport, locale="pl-PL"
        )
        page = context.new_page()

        def shot(step, page=page, name=name):
            page.screenshot(
                path=str(artifacts / f"area-{name}-{step}.png"), full_page=True
            )

        def check(step, page=page, name=name):
            found = serious_violations(page)
            if found:
                problems[f"{name}/{step}"] = found

        page.goto(base + "/iok/login/")
        check("login")
        shot("1-login")
        page.fill("input[name=username]", IDENTIFIER)
        page.fill("input[name=password]", password)
        page.click("form.member-form button[type=submit]")

        if password == FIRST_PASSWORD:
            # The first login leads to the forced password change.
            page.wait_for_url("**/iok/password/")
            shot("2-password")
            page.fill("input[name=old_password]", FIRST_PASSWORD)
            page.fill("input[name=new_password1]", NEW_PASSWORD)
            page.fill("input[name=new_password2]", NEW_PASSWORD)
            page.click("form.member-form button[type=submit]")
            password = NEW_PASSWORD
        page.wait_for_url("**/iok/")

        # Both zones, each with a balance in words.
        assert page.get_by_role(
            "heading", name="Najem lub prawo do lokalu"
        ).is_visible()
        assert page.get_by_role(
            "heading", name="Własność lokalu we wspólnocie mieszkaniowej"
        ).is_visible()
        assert page.locator(".unit-card .balance").count() >= 2
        check("dashboard")
        shot("3-dashboard")

        page.locator(
            ".unit-card__links a", has_text="Kartoteka finansowa"
        ).first.click()
        page.wait_for_url("**/iok/kartoteka/*/")
        assert page.get_by_role("heading", name="Zestawienie operacji").is_visible()
        assert page.get_by_text(
            "nie mogą stanowić wyłącznej podstawy roszczeń"
        ).is_visible()
        check("ledger")
        shot("4-ledger")

        # Payment details: the QR code as inline SVG, copy buttons with JS.
        page.goto(base + "/iok/platnosci/")
        assert page.locator(".qr-code svg").count() >= 2
        assert page.locator("button.copy-button:visible").count() >= 2
        check("payments")
        shot("4b-payments")

        meter = plan[name]
        page.goto(f"{base}/iok/liczniki/{meter['id']}/")
        page.fill("input[name=reading_date]", meter["date"])
        page.fill("input[name=value]", meter["value"])
        page.get_by_role("button", name="Wyślij odczyt").click()
        page.wait_for_url(f"**/iok/liczniki/{meter['id']}/")
        assert page.get_by_text("Odczyt został zapisany").is_visible()
        assert page.get_by_text(
            "czeka na sprawdzenie przez administrację"
        ).first.is_visible()
        check("meter")
        shot("5-meter")

        # No horizontal scrolling of the whole page on a phone.
        if name == "phone":
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= viewport["width"] + 1, width

        # On a phone the member menu (with the logout button) is collapsed.
        if name == "phone":
            page.locator("#member-menu summary").click()
        page.get_by_role("button", name="Wyloguj").click()
        page.wait_for_url("**/iok/login/")
        assert page.get_by_text("Wylogowano").is_visible()
        shot("6-logged-out")
        context.close()

    assert problems == {}
