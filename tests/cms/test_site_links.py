"""Site links: one cached lookup gives every template the rules/privacy/form URLs."""

from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cms.context_processors import site_links as site_links_processor
from cms.models import PrivacyClausePage, RulesPage, SiteSettings
from cms.site_links import get_site_links


def render(source: str) -> str:
    return Template("{% load cms_tags %}" + source).render(Context({}))


def test_site_links_tag_gives_rules_privacy_and_application_form(demo_site):
    html = render(
        "{% site_links as links %}{{ links.rules_url }}|{{ links.privacy_url }}|"
        "{{ links.application_form_url }}|{{ links.rules_resolution }}"
    )
    rules_url, privacy_url, form_url, resolution = html.split("|")
    assert rules_url == RulesPage.objects.get().url
    assert privacy_url == PrivacyClausePage.objects.get().url
    assert form_url == SiteSettings.load().application_form.url
    assert resolution == "Nr 58/2025 z dnia 17.06.2025"


def test_site_links_cost_no_query_once_cached(demo_site):
    get_site_links()
    with CaptureQueriesContext(connection) as queries:
        links = site_links_processor(RequestFactory().get("/"))["site_links"]
        assert links.rules_url
        render("{% site_links as links %}{{ links.privacy_url }}")
    assert len(queries) == 0


def test_site_links_follow_a_change_of_the_rules_page_slug(demo_site):
    old = get_site_links().rules_url
    rules = RulesPage.objects.get()
    rules.slug = "regulamin-iok"
    rules.save_revision().publish()
    assert get_site_links().rules_url == "/regulamin-iok/"
    assert old != "/regulamin-iok/"


def test_site_links_follow_site_settings(demo_site):
    settings = SiteSettings.load()
    settings.phone = "77 000 00 00"
    settings.save()
    assert get_site_links().phone == "77 000 00 00"


def test_non_wagtail_page_extending_base_has_the_footer_links(demo_site, rf):
    """The member area renders plain Django views on base.html."""
    from django.template.loader import render_to_string

    request = rf.get("/iok/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    html = render_to_string("404.html", request=request)
    assert f'href="{RulesPage.objects.get().url}"' in html
    assert f'href="{PrivacyClausePage.objects.get().url}"' in html
