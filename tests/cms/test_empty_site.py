"""Without any content (a fresh install), pages still render their links safely.

Kept apart from the seeded modules: their seeded tree lives for a whole module.
"""

from cms.site_links import get_site_links


def test_site_links_are_empty_not_broken_on_an_empty_site(db):
    links = get_site_links()
    assert links.rules_url == ""
    assert links.privacy_url == ""
    assert links.application_form_url == ""
    assert links.login_url == "/iok/login/"
