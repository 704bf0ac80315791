"""Every page type renders with the demo content, in Polish, with the footer links."""

import re

from django.test import Client

import pytest

from cms.models import (
    ContactPage,
    HomePage,
    NoticeIndexPage,
    NoticePage,
    PrivacyClausePage,
    RulesPage,
    SiteSettings,
    StandardPage,
)
from tests.factories import EstateFactory

PAGE_TYPES = [
    HomePage,
    StandardPage,
    NoticeIndexPage,
    NoticePage,
    RulesPage,
    PrivacyClausePage,
    ContactPage,
]


def footer(html: str) -> str:
    match = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S)
    assert match, "page has no site footer"
    return match.group(0)


@pytest.mark.parametrize("model", PAGE_TYPES, ids=lambda m: m.__name__)
def test_every_page_type_renders_with_demo_content(client: Client, demo_site, model):
    page = model.objects.live().public().filter(notice_filter(model)).first()
    assert page is not None, f"the demo has no public {model.__name__}"
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    if model is HomePage:
        assert "<h1" in html and "Najnowsze ogłoszenia" in html
    else:
        assert page.title in html


def notice_filter(model):
    from django.db.models import Q

    return Q(audience="public") if model is NoticePage else Q()


def pages_to_check(demo_site) -> dict[str, str]:
    public_notice = NoticePage.objects.live().filter(audience="public").first()
    return {
        "home": "/",
        "notices": NoticeIndexPage.objects.get().url,
        "notice": public_notice.url,
        "rules": RulesPage.objects.get().url,
        "privacy": PrivacyClausePage.objects.get().url,
        "contact": ContactPage.objects.get().url,
        "standard": StandardPage.objects.get().url,
        "search": "/szukaj/?q=woda",
        "404": "/no-such-page/",
    }


def test_footer_links_privacy_clause_and_rules_on_every_page(client: Client, demo_site):
    rules_url = RulesPage.objects.get().url
    privacy_url = PrivacyClausePage.objects.get().url
    for name, url in pages_to_check(demo_site).items():
        response = client.get(url)
        assert response.status_code == (404 if name == "404" else 200), name
        html = footer(response.content.decode())
        assert f'href="{privacy_url}"' in html, name
        assert f'href="{rules_url}"' in html, name
        assert "Klauzula informacyjna RODO" in html, name
        assert "Nr 58/2025 z dnia 17.06.2025" in html, name


def test_footer_shows_the_cooperatives_contact_data(client: Client, demo_site):
    html = footer(client.get("/").content.decode())
    assert "Spółdzielnia Mieszkaniowa „Nadodrze” w Opolu" in html
    assert "ul. Jaśminowa 14" in html
    assert "754-301-28-96" in html
    assert 'href="mailto:sekretariat@sm-nadodrze.example"' in html


def test_footer_follows_a_change_of_the_site_settings_at_once(
    client: Client, demo_site
):
    """The footer is kept in the cache; saving the settings drops it."""
    assert "754-301-28-96" in footer(client.get("/").content.decode())
    settings = SiteSettings.load()
    settings.nip = "111-222-33-44"
    settings.save()
    html = footer(client.get("/kontakt/").content.decode())
    assert "111-222-33-44" in html
    assert "754-301-28-96" not in html


def test_site_is_in_polish_by_default(client: Client, demo_site):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert response["Content-Language"] == "pl"
    for polish in ("Przejdź do treści", "Najnowsze ogłoszenia", "Logowanie do IOK"):
        assert polish in html


def test_home_page_links_to_login_rules_privacy_and_application_form(
    client: Client, demo_site
):
    html = client.get("/").content.decode()
    form = SiteSettings.load().application_form
    assert 'href="/iok/login/"' in html
    assert f'href="{RulesPage.objects.get().url}"' in html
    assert f'href="{PrivacyClausePage.objects.get().url}"' in html
    assert f'href="{form.url}"' in html
    assert "Wniosek o dostęp do IOK" in html


def test_main_navigation_marks_the_current_section(client: Client, demo_site):
    html = client.get(NoticePage.objects.live().public().first().url).content.decode()
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', nav)
    assert current == [NoticeIndexPage.objects.get().url]
    for label in ("Start", "Ogłoszenia", "Zasady IOK", "Kontakt", "Logowanie do IOK"):
        assert label in nav


def test_pages_have_a_skip_link_and_no_inline_scripts_or_styles(
    client: Client, demo_site
):
    """A strict Content-Security-Policy (no 'unsafe-inline') must be possible."""
    for name, url in pages_to_check(demo_site).items():
        html = client.get(url).content.decode()
        assert '<a class="skip-link" href="#main">' in html, name
        assert '<main id="main"' in html, name
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), name
        assert "<style" not in html, name
        assert not re.search(r'\sstyle="', html), name
        assert not re.search(r"\son[a-z]+=", html), name


def test_contact_page_lists_head_office_and_every_estate_office(
    client: Client, demo_site
):
    """The estate offices are the ledger's estates (one list, also shown in the
    member area), not a copy kept on the page."""
    EstateFactory(
        name="Osiedle Chabry",
        office_name="Administracja Osiedla Chabry",
        office_phone="77 455 30 20",
        office_hours="pon. 8:00–17:00",
    )
    EstateFactory(name="Osiedle Zaodrze", office_name="Administracja Osiedla Zaodrze")
    html = client.get(ContactPage.objects.get().url).content.decode()
    for office in (
        "Siedziba Zarządu Spółdzielni",
        "Administracja Osiedla Chabry",
        "Administracja Osiedla Zaodrze",
    ):
        assert office in html
    assert html.index("Administracja Osiedla Chabry") < html.index(
        "Administracja Osiedla Zaodrze"
    )
    assert "Administracja Osiedle" not in html
    assert 'href="tel:774553020"' in html
    assert "pon. 8:00–17:00" in html


def test_standard_page_renders_image_table_and_document(client: Client, demo_site):
    html = client.get(StandardPage.objects.get().url).content.decode()
    assert 'alt="Rysunek trzech bloków mieszkalnych Spółdzielni"' in html
    assert "<table>" in html and '<th scope="col"' in html
    assert re.search(r"Wniosek o dostęp do IOK</a> <span[^>]*>\(PDF, \d", html)


def test_not_found_page_is_polish_and_reveals_nothing(client: Client, demo_site):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Nie znaleziono strony" in html
    assert "Traceback" not in html and "urlpatterns" not in html


def test_server_error_template_renders_without_a_request(settings):
    """500.html must not need the database or a request context."""
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "Błąd serwera" in html
    assert '<html lang="pl">' in html


def test_csrf_failure_page_is_polish_and_has_the_footer(demo_site):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/szukaj/", {"q": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Formularz wygasł" in html
    assert "Klauzula informacyjna RODO" in footer(html)
