"""Site search covers published public pages only."""

from django.test import Client

from wagtail.models import PageViewRestriction

from cms.models import StandardPage


def test_search_finds_published_public_pages(client: Client, demo_site):
    html = client.get("/szukaj/", {"q": "ciepłej"}).content.decode()
    assert "Przerwa w dostawie ciepłej wody" in html
    assert "1 wynik" in html


def test_search_skips_drafts_and_private_sections(client: Client, demo_site):
    draft = StandardPage(
        title="Projekt budżetu remontowego", slug="projekt", live=False
    )
    demo_site.add_child(instance=draft)
    private = StandardPage(title="Budżet remontowy dla Rady Nadzorczej", slug="rada")
    demo_site.add_child(instance=private)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    child = StandardPage(title="Budżet remontowy – załącznik", slug="zalacznik")
    private.add_child(instance=child)
    public = StandardPage(title="Budżet remontowy – podsumowanie", slug="budzet")
    demo_site.add_child(instance=public)

    html = client.get("/szukaj/", {"q": "budżet"}).content.decode()
    assert public.title in html
    for hidden in (draft, private, child):
        assert hidden.title not in html


def test_search_form_without_a_query_shows_no_results(client: Client, demo_site):
    response = client.get("/szukaj/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
