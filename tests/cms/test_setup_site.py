"""``manage.py setup_site`` on an empty (freshly migrated) database builds the
real site: a home page that links to the rules of IOK (resolution 733/2012),
the RODO clause and the login; running it twice changes nothing. Run on
PostgreSQL with DATABASE_URL (as ``make test`` does) and on SQLite."""

import io

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command

from wagtail.models import (
    GroupPagePermission,
    Page,
    PageLogEntry,
    Revision,
    Site,
    WorkflowPage,
)

import pytest

from cms.models import RulesPage, SiteSettings
from cms.site import rules_733_2012_body
from members.area.zones import ZONES
from members.models import AuditEvent, ZoneState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Page,
            Revision,
            PageLogEntry,
            Site,
            SiteSettings,
            Group,
            GroupPagePermission,
            WorkflowPage,
            ZoneState,
            AuditEvent,
        )
    }


def _setup_site() -> str:
    out = io.StringIO()
    call_command("setup_site", stdout=out)
    return out.getvalue()


def test_setup_site_builds_the_real_site_and_a_second_run_changes_nothing(client):
    # A freshly migrated database: Wagtail's welcome page, nothing of ours.
    assert not RulesPage.objects.exists()
    assert "Welcome to your new Wagtail site" in client.get("/").content.decode()

    output = _setup_site()
    assert "733/2012" in output
    assert "Ustawienia → Spółdzielnia" in output  # what staff must complete

    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Welcome to your new Wagtail site" not in html
    rules = RulesPage.objects.get()
    assert rules.live and rules.resolution_number == "733/2012"
    assert f'href="{rules.url}"' in html
    assert "733/2012" in html
    assert 'href="/rodo/"' in html or "/rodo/" in html
    assert 'href="/iok/login/"' in html

    # The rules page carries the board's text, the clause is to fill in.
    rules_html = client.get(rules.url).content.decode()
    assert "Spółdzielnia zastrzega sobie prawo do modyfikowania, zawieszania" in (
        " ".join(rules_html.split())
    )
    rodo = client.get("/rodo/")
    assert rodo.status_code == 200
    assert "Do uzupełnienia" in rodo.content.decode()
    assert client.get("/kontakt/").status_code == 200
    assert client.get("/ogloszenia/").status_code == 200
    # The board approves changes of the rules and the clause.
    assert WorkflowPage.objects.filter(page=rules).exists()
    assert ZoneState.objects.count() == len(ZONES)  # one row per zone

    before = _counts()
    second = _setup_site()
    assert _counts() == before
    assert "Rules page" not in second


def test_the_rules_text_is_the_boards_resolution_in_four_sections():
    body = rules_733_2012_body()
    headings = [block["value"] for block in body if block["type"] == "heading"]
    assert headings == [
        "I. Postanowienia ogólne",
        "II. Rejestracja Użytkownika",
        "III. Korzystanie z IOK",
        "IV. Pozostałe postanowienia",
    ]
    lists = [block["value"] for block in body if block["type"] == "paragraph"]
    # Section III has six points, the lettered definitions sit within point I.1.
    assert lists[2].count("<li>") == 6
    assert lists[0].count("<li>") == 2 + 3
    assert "Nr 733/2012 z dnia 21.11.2012" in lists[3]
    # Lines broken inside a sentence are joined.
    assert "naliczenie opłat za dany miesiąc, choćby termin" in lists[2]
