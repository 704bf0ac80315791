"""A repair request end to end in a real browser at phone width (360 px): the
resident files a request with a photo, sees it with its photo, the estate
office replies (written in the database, as the admin would), and the
resident sees the reply and the new status. Screenshots go to artifacts/;
axe-core finds no serious or critical problem; the page never scrolls
sideways.
"""

import threading

from django.contrib.auth import get_user_model

import pytest
from PIL import Image

from ledger.models import Party
from members.area import services
from members.models import RepairRequest
from tests.area.conftest import make_resident
from tests.browser_support import serious_violations

IDENTIFIER = "700001"
PASSWORD = "Haslo123"
PHONE = {"width": 360, "height": 780}
REPLY = "Elektryk przyjdzie w czwartek między 9 a 12."
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def walk_server(live_server, settings, tmp_path, django_user_model):
    settings.IOK_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.AXES_ENABLED = False
    make_resident(django_user_model, number=IDENTIFIER, name="Jan Spacerowy")
    staff = django_user_model.objects.create_user(
        username="adm-spacer", password="Biuro2026!x"
    )
    photo = tmp_path / "lampa.jpg"
    Image.new("RGB", (1200, 900), (60, 70, 80)).save(photo, "JPEG")
    return live_server.url, photo, staff.pk


@pytest.fixture
def browser_data(walk_server):
    return walk_server


def _in_thread(function):
    """Run ORM code outside Playwright's event loop (Django refuses queries
    from a thread that runs one)."""
    errors = []

    def run():
        try:
            function()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def _office_replies(staff_pk):
    def reply():
        repair = RepairRequest.objects.get(party=Party.objects.get(number=IDENTIFIER))
        services.repair_request_handle(
            request=repair,
            staff_user=get_user_model().objects.get(pk=staff_pk),
            status=RepairRequest.Status.IN_PROGRESS,
            reply=REPLY,
            internal_note="Notatka tylko dla biura.",
        )

    _in_thread(reply)


def test_a_resident_files_a_repair_request_on_a_phone(walk_server, browser, artifacts):
    base, photo, staff_pk = walk_server
    context = browser.new_context(bypass_csp=True, viewport=PHONE, locale="pl-PL")
    page = context.new_page()
    problems = {}

    def step(name):
        found = serious_violations(page)
        if found:
            problems[name] = found
        page.screenshot(
            path=str(artifacts / f"repair-phone-{name}.png"), full_page=True
        )
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, (name, width)

    page.goto(base + "/iok/login/")
    page.fill("input[name=username]", IDENTIFIER)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.member-form button[type=submit]")
    page.wait_for_url("**/iok/")
    assert page.get_by_text("Nie masz otwartych zgłoszeń awarii.").is_visible()

    page.get_by_role("link", name="Zgłoś awarię").first.click()
    page.wait_for_url("**/iok/naprawy/nowe/")
    page.get_by_label("w części wspólnej budynku").check()
    page.get_by_label("Czego dotyczy?").select_option("electrical")
    page.get_by_label("Opis usterki").fill(
        "Na klatce między 2 a 3 piętrem nie świeci lampa."
    )
    page.get_by_label("Dogodny termin wizyty (nieobowiązkowo)").fill("po 16:00")
    page.get_by_label("Zdjęcia (nieobowiązkowo)").set_input_files(str(photo))
    step("1-form")
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    page.wait_for_url("**/iok/naprawy/*/")
    assert page.get_by_text("Zgłoszenie zostało wysłane").is_visible()
    assert page.get_by_text("instalacja elektryczna, oświetlenie").is_visible()
    image = page.locator(".repair-photos img").first
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    step("2-sent")

    _office_replies(staff_pk)

    page.reload()
    assert page.get_by_text(REPLY).is_visible()
    assert page.get_by_text("Zmiana statusu: w realizacji").is_visible()
    assert page.get_by_text("Notatka tylko dla biura.").count() == 0
    step("3-reply")

    page.get_by_label("Twoja wiadomość do administracji").fill("Dziękuję, będę w domu.")
    page.get_by_role("button", name="Wyślij wiadomość").click()
    page.wait_for_url("**/iok/naprawy/*/")
    assert page.get_by_text("Dziękuję, będę w domu.").is_visible()

    page.goto(base + "/iok/naprawy/")
    assert page.get_by_text("w realizacji").first.is_visible()
    step("4-list")
    page.goto(base + "/iok/")
    assert page.get_by_text("Masz 1 otwarte zgłoszenie awarii.").is_visible()
    step("5-dashboard")
    context.close()
    assert not problems, problems
