"""Every cached thing follows the event that changes it at once
(``ledger.caching``, the table in ``docs/architecture.md``): the dashboard's
notice list after a publish, the footers after a change of site settings,
"data as of" after an import, and the template fragments after a deploy."""

import datetime as dt

from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.template import Context, Template
from django.urls import reverse

import pytest
import time_machine

from cms.models import NoticeIndexPage, SiteSettings
from ledger.caching import NAMESPACES, deploy_version, namespace
from tests.area.conftest import NOON, add_notice
from tests.factories import DataImportFactory

pytestmark = pytest.mark.django_db


def dashboard_html(client) -> str:
    with time_machine.travel(NOON, tick=False):
        return client.get(reverse("members:dashboard")).content.decode()


def test_a_published_notice_shows_on_the_dashboard_at_once(resident_client, notices):
    assert notices["public"].title in dashboard_html(resident_client)  # now cached
    index = NoticeIndexPage.objects.get()
    add_notice(index, "awaria-windy", title="Awaria windy w bloku 7")
    assert "Awaria windy w bloku 7" in dashboard_html(resident_client)

    notices["public"].unpublish()
    assert notices["public"].title not in dashboard_html(resident_client)


def test_changed_site_settings_show_in_the_footers_at_once(resident_client, notices):
    site_settings = SiteSettings.load()
    site_settings.cooperative_name = "Spółdzielnia Pierwsza"
    site_settings.save()
    assert "Spółdzielnia Pierwsza" in dashboard_html(resident_client)

    site_settings.cooperative_name = "Spółdzielnia Druga"
    site_settings.save()
    html = dashboard_html(resident_client)
    assert "Spółdzielnia Druga" in html
    assert "Spółdzielnia Pierwsza" not in html


def test_a_finished_import_changes_data_as_of_at_once(resident_client):
    # The resident's import finished 2025-03-14 06:00 UTC (07:00 in Warsaw).
    assert "14.03.2025 07:00" in dashboard_html(resident_client)
    DataImportFactory(finished_at=dt.datetime(2025, 3, 15, 9, 30, tzinfo=dt.UTC))
    html = dashboard_html(resident_client)
    assert "15.03.2025 10:30" in html
    assert "14.03.2025 07:00" not in html


FRAGMENT = Template(
    "{% load cache ledger_tags %}{% cache_version as deploy %}"
    "{% cache 3600 test_fragment deploy %}{{ value }}{% endcache %}"
)


def test_a_new_deploy_renders_the_fragments_again(settings):
    deploy_version.cache_clear()
    try:
        settings.IOK_RELEASE = "release-1"
        deploy_version.cache_clear()
        assert FRAGMENT.render(Context({"value": "old"})) == "old"
        assert FRAGMENT.render(Context({"value": "new"})) == "old"  # kept

        settings.IOK_RELEASE = "release-2"
        deploy_version.cache_clear()
        assert FRAGMENT.render(Context({"value": "new"})) == "new"
    finally:
        deploy_version.cache_clear()


def test_the_member_navigation_and_zone_cards_are_kept_per_deploy(
    resident_client, settings
):
    try:
        for release in ("release-1", "release-2"):
            settings.IOK_RELEASE = release
            deploy_version.cache_clear()
            dashboard_html(resident_client)
            links = NAMESPACES["site-links"].version()
            for name, vary_on in (
                # The last vary-on value: the zones not on now (none).
                ("iok_member_menu", ["pl", "dashboard", release, links, ""]),
                ("iok_area_zones", ["pl", release, ""]),
            ):
                key = make_template_fragment_key(name, vary_on)
                with time_machine.travel(NOON, tick=False):  # not expired yet
                    assert cache.get(key) is not None, (name, release)
    finally:
        deploy_version.cache_clear()


def test_the_deploy_version_follows_the_contents_of_the_templates(settings, tmp_path):
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    settings.IOK_RELEASE = ""
    try:
        deploy_version.cache_clear()
        first = deploy_version()
        template.write_text("<p>one</p>")  # written again, same contents
        deploy_version.cache_clear()
        assert deploy_version() == first
        template.write_text("<p>two</p>")
        deploy_version.cache_clear()
        assert deploy_version() != first
    finally:
        deploy_version.cache_clear()


def test_a_bumped_namespace_gives_every_key_a_new_value():
    things = namespace("test-things", timeout=60)
    assert things.get_or_set(("a",), lambda: "first") == "first"
    assert things.get_or_set(("a",), lambda: "second") == "first"
    assert things.get_or_set(("none",), lambda: None) is None
    assert things.get_or_set(("none",), lambda: "built again") is None

    things.bump()
    assert things.get_or_set(("a",), lambda: "second") == "second"
    assert things.get_or_set(("none",), lambda: "built again") == "built again"
