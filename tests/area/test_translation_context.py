"""Generic words carry the ``iok`` context in our catalogues: the member area and
the office screens show our wording, while the Wagtail admin keeps Wagtail's own
Polish for the same English words (an uncontexted "Name" or "Status" in an app
listed before wagtail.admin would replace Wagtail's everywhere)."""

import re

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

import pytest

from tests.factories import DataImportFactory

pytestmark = pytest.mark.django_db


def cells(html: str, tag: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        for cell in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    ]


def test_our_catalogues_leave_wagtails_generic_words_alone():
    with translation.override("pl"):
        assert gettext("Name") == "Nazwa"
        assert gettext("Status") == "Status"
        assert gettext("Updated") == "Modyfikacja"
        assert pgettext("iok", "Name") == "Nazwisko i imię"
        assert pgettext("iok", "Status") == "Stan"


def test_member_area_shows_our_wording(resident_client):
    contact = resident_client.get(reverse("members:contact")).content.decode()
    assert "Nazwisko i imię" in cells(contact, "dt")
    membership = resident_client.get(reverse("members:membership")).content.decode()
    assert "Stan" in cells(membership, "dt")


def test_wagtail_admin_shows_wagtails_wording(staff_client):
    form = staff_client.get(reverse("wagtailadmin_collections:add")).content.decode()
    labels = cells(form, "label")
    assert any(label.startswith("Nazwa") for label in labels), labels
    assert not any("nazwisko" in label.lower() for label in labels)

    explorer = staff_client.get(reverse("wagtailadmin_explore_root")).content.decode()
    headers = cells(explorer, "th")
    assert "Status" in headers, headers
    assert "Stan" not in headers


def test_import_screens_keep_their_own_wording(staff_client):
    DataImportFactory()
    upload = staff_client.get(reverse("ledger_imports:upload")).content.decode()
    assert {"Stan", "Zmienione"} <= set(cells(upload, "th"))
