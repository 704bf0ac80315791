"""The admin is Polish for everyone who works in it.

A clerk (registrar), an accountant, an editor and a member of the board log in
with a verified second factor and walk every admin screen they can reach from
the menu and from each screen's links (each kind of screen once: listings,
create and edit forms, page editing, documents, images, reports, workflow,
settings, the office's own screens). The text a person sees (text nodes, the
labels the menu and tooltips carry, buttons, placeholders) must not contain
English words; the exceptions are listed with their reason. Wagtail's
JavaScript catalogue (``/admin/jsi18n/``) must translate every string of the
admin's scripts, and every string of the packages' own catalogues must have a
Polish translation (the project's ``locale/`` supplies what they lack).
"""

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

import wagtail

import pytest

from cms import demo
from ledger.models import DataImport, MeterReading
from members.models import ContactChangeRequest, DiscrepancyReport
from tests.conftest import log_in_verified_staff
from tests.factories import (
    DataImportFactory,
    LedgerEntryFactory,
    LoanEntryFactory,
    MembershipFactory,
    MeterReadingFactory,
    UnitRightFactory,
)

# Words that are English and not Polish (nor part of the cooperative's
# vocabulary). Words both languages share ("to", "a", "no", "status", "menu",
# "link", "data", "token", "slug", "log", "by", "we") are left out.
_ENGLISH_WORDS = """
    the and of with without for from your you our this that these those is are
    was were be been has have had not what which who when where why how all any
    some more less add edit delete remove save cancel search filter filters
    page pages settings user users group groups image images document
    documents title live draft publish published unpublish unpublished preview
    history revisions revision compare schedule scheduled workflow workflows
    moderators editors approval approve reject root collection collections
    choose select upload create view actions action date name yes close open
    show hide back next previous help sign login logout account password
    snippets reports report locked unlock lock copy move children child
    parent public private privacy comments comment paused saved autosave
    already use used in at if an as will can could should must please error
    errors field required valid invalid items item none total results result
    found matches dashboard toggle sidebar explorer site sites type file size
    tags usage owner created updated modified latest ago today yesterday week
    month year minutes hours days submit submitted moderation task tasks needs
    changes welcome home first last new untitled enabled disabled current
"""
ENGLISH = set(_ENGLISH_WORDS.split())

# Text the project shows in English on purpose, with the reason.
EXCEPTIONS = {
    "Wagtail": "the name of the admin software (shown as a product name)",
    "English": "the language's own name in the staff member's language choice",
    "SEO": "the Polish tab name is „Promocja SEO”; SEO is used in Polish",
}

SKIP_URL = re.compile(
    r"^/admin/(logout/|jsi18n/|.*/preview|.*/view_draft/|.*/usage/|.*/chooser/|"
    r".*/export/|.*\.(png|jpg|svg|pdf|csv|xlsx)$|documents/serve|images/.*/generate_url"
    r"|.*/action/|.*/workflow/(approve|reject)|pages/\d+/revisions/\d+/view/)"
)

ROLES = ["Rejestratorzy", "Księgowość", "Editors", "Zarząd"]


class VisibleText(HTMLParser):
    """Text a person sees: text nodes (not scripts or styles), the labels of
    the admin's JSON data (the menu), and the attributes browsers show."""

    ATTRIBUTES = {
        "title",
        "placeholder",
        "aria-label",
        "alt",
        "data-w-tooltip-content-value",
        "data-w-dropdown-content-value",
    }
    JSON_KEYS = {"label", "title", "heading", "text", "helpText", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._json = False
        self._json_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
            self._json = tag == "script" and "json" in (attrs.get("type") or "")
        if tag == "code":
            # An identifier to type (the zone key of ``iok_zone documents``),
            # not text to read.
            self._skip += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name, value in attrs.items():
            if value and name in self.ATTRIBUTES:
                self.texts.append(value)
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.texts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "code" and self._skip:
            self._skip -= 1
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
            if self._json:
                self._read_json("".join(self._json_text))
            self._json = False
            self._json_text = []

    def handle_data(self, data):
        if self._json:
            self._json_text.append(data)
        elif not self._skip and data.strip():
            self.texts.append(data)

    def _read_json(self, text):
        try:
            data = json.loads(text)
        except ValueError:
            return
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key in self.JSON_KEYS and isinstance(value, str):
                        self.texts.append(value)
                        if key == "url":
                            self.links.append(value)
                    elif isinstance(value, dict | list):
                        stack.append(value)
                    if key == "url" and isinstance(value, str):
                        self.links.append(value)
            elif isinstance(item, list):
                stack.extend(item)


def without_hidden(html: str) -> str:
    """The page without elements marked ``hidden`` that hold only text (such
    as an empty counter Wagtail fills in from a script)."""
    return re.sub(r"<(\w+)\b[^>]*\shidden(?=[\s=>])[^>]*>[^<]*</\1>", "", html)


def english_in(text: str) -> list[str]:
    for allowed in EXCEPTIONS:
        text = text.replace(allowed, "")
    words = re.findall(r"(?<![\w@./-])[A-Za-z]+(?![\w@/-])", text)
    return [word for word in words if word.lower() in ENGLISH]


def pattern(url: str) -> str:
    """One kind of screen: the path with its numbers replaced."""
    return re.sub(r"\d+", "N", url.split("?")[0].split("#")[0])


#: Screens reached by typing or searching, not by a link: the office's party
#: search (its results link to the account screens) and a page search.
START = ["/admin/", "/admin/members/accounts/?q=Kowalski", "/admin/pages/search/?q=a"]


def walk(client: Client, limit: int = 200) -> tuple[dict[str, list], set[str]]:
    """Visit the admin screens reachable from the home page (one of each kind)
    and return the English found on each and the kinds visited."""
    found: dict[str, list] = {}
    queue = list(START)
    seen: set[str] = set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = url.split("#")[0]
        if pattern(path) in seen or SKIP_URL.match(path):
            continue
        if path not in START:
            seen.add(pattern(path))
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        parser = VisibleText()
        parser.feed(without_hidden(response.content.decode()))
        english = sorted(
            {
                (word, text.strip()[:120])
                for text in parser.texts
                for word in english_in(text)
            }
        )
        if english:
            found[path] = english
        for link in parser.links:
            if link.startswith("/admin/") and pattern(link) not in seen:
                queue.append(link)
    return found, seen


# --- The data every screen has something of -------------------------------------


@pytest.fixture(scope="module")
def _admin_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo site and one record of each kind, seeded once for the module
    inside a transaction rolled back at the end."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            demo.seed(stdout=io.StringIO())
            right = UnitRightFactory()
            LedgerEntryFactory(unit=right.unit)
            LoanEntryFactory(loan__unit=right.unit)
            MembershipFactory(party=right.party)
            reading = MeterReadingFactory(meter__unit=right.unit)
            resident = get_user_model().objects.create_user(
                username=right.party.number, party=right.party
            )
            MeterReadingFactory(
                meter=reading.meter,
                submitted_by=resident,
                reading_date=reading.reading_date.replace(day=28, month=2),
                source=MeterReading.Source.RESIDENT,
                status=MeterReading.Status.PENDING,
            )
            DiscrepancyReport.objects.create(
                unit=right.unit,
                party=right.party,
                reporter=resident,
                message="Saldo się nie zgadza",
            )
            ContactChangeRequest.objects.create(party=right.party, phone="600100200")
            DataImportFactory(status=DataImport.Status.FAILED)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


def staff_member(group: str) -> Client:
    user = get_user_model().objects.create_user(
        username=f"pracownik-{Group.objects.get(name=group).pk}",
        first_name="Anna",
        last_name="Kowalska",
        password="Biuro2026!x",
    )
    user.groups.add(Group.objects.get(name=group))
    return log_in_verified_staff(Client(), user)


@pytest.mark.parametrize("group", ROLES)
def test_every_admin_screen_is_polish(_admin_data, db, group):
    client = staff_member(group)
    found, visited = walk(client)
    # The walk reached the screens of this job, not just the home page.
    assert len(visited) >= 10, visited
    report = "\n".join(
        f"{url}: {', '.join(f'{word!r} in {text!r}' for word, text in words)}"
        for url, words in sorted(found.items())
    )
    assert not found, f"English text in the admin ({group}):\n{report}"


def test_the_walk_sees_the_screens_of_each_job(_admin_data, db):
    """The walk is not vacuous: it reaches the pages, documents, images, the
    office's screens and the to-do panel."""
    _found, visited = walk(staff_member("Rejestratorzy"))
    assert "/admin/members/accounts/" in visited
    assert "/admin/members/discrepancyreport/edit/N/" in visited
    assert "/admin/ledger/party/edit/N/" in visited
    _found, visited = walk(staff_member("Editors"))
    assert "/admin/pages/N/edit/" in visited
    assert "/admin/documents/" in visited
    assert "/admin/images/" in visited


def test_the_detector_finds_english():
    assert english_in("Autosave is paused") == ["Autosave", "is", "paused"]
    assert english_in("Schedule to publish") == ["Schedule", "publish"]
    assert english_in("Zaplanuj publikację") == []
    assert english_in("Promocja SEO") == []
    assert english_in("e-mail: biuro@example.org") == []


# --- Catalogues -------------------------------------------------------------------

SITE = Path(wagtail.__file__).parents[1]  # site-packages
CATALOGUE_PACKAGES = [
    "wagtail",
    "wagtail/admin",
    "wagtail/documents",
    "wagtail/images",
    "wagtail/snippets",
    "wagtail/users",
    "wagtail/contrib/settings",
    "wagtail/contrib/redirects",
    "wagtail/contrib/forms",
    "wagtail/contrib/search_promotions",
    "wagtail/contrib/table_block",
    "wagtail/contrib/typed_table_block",
    "wagtail_modeladmin",
    "taggit",
]
# msgids whose Polish is the same text (words Polish shares, names, symbols).
SAME_IN_POLISH = {
    "Minimum",
    "Token",
    "tag",
    "Tag",
    "slug",
    "system",
    "System",
    "port",
    "status",
    "Status",
    "Status %(status)s",
    "URL",
    "ID",
    "Link",
    "Login",
    "Alias",
    "Format",
    "Import",
    "Admin",
    "Administrator",
    "%(related_model_name)s %(field_label)s",
    "Wagtail ModelAdmin",  # the package's name
    "%(field_label)s:",
    "%(status_display)s %(task_name)s %(started_at)s",
    "%(time_zone_option)s: %(localized_time_zone_label)s",
}


def msgids(path: Path) -> list[tuple[str | None, str, str | None]]:
    """(context, msgid, plural) of a .po file, without the header."""
    entries, current, last = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr\S*) (".*")$', line)
        if match:
            last = match.group(1)
            current[last] = json.loads(match.group(2))
        elif line.startswith('"') and last:
            current[last] += json.loads(line)
        elif not line.strip() and current:
            if current.get("msgid"):
                entries.append(
                    (
                        current.get("msgctxt"),
                        current["msgid"],
                        current.get("msgid_plural"),
                    )
                )
            current, last = {}, None
    return entries


def test_every_string_of_the_packages_has_polish():
    missing = []
    with translation.override("pl"):
        for package in CATALOGUE_PACKAGES:
            source = SITE / package / "locale/en/LC_MESSAGES/django.po"
            for context, msgid, plural in msgids(source):
                if msgid in SAME_IN_POLISH or "\\" in msgid:
                    continue
                if plural:
                    polish = translation.ngettext(msgid, plural, 5)
                    english = plural
                elif context:
                    polish = translation.pgettext(context, msgid)
                    english = msgid
                else:
                    polish = translation.gettext(msgid)
                    english = msgid
                if polish == english:
                    missing.append(f"{package}: {msgid!r}")
    assert not missing, "\n".join(missing)


def test_the_admin_javascript_catalogue_translates_every_string(staff_client):
    response = staff_client.get("/admin/jsi18n/")
    assert response.status_code == 200
    body = response.content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", body, re.S)[1])
    source = SITE / "wagtail/admin/locale/en/LC_MESSAGES/djangojs.po"
    missing = [
        msgid
        for context, msgid, _plural in msgids(source)
        if (f"{context}\x04{msgid}" if context else msgid) not in catalogue
    ]
    assert not missing, missing
    assert catalogue["Autosave in progress…"] == "Trwa autozapis…"


# --- Autosave and the slug message ------------------------------------------------


def test_a_new_page_is_not_autosaved(_admin_data, db):
    """An abandoned new notice must not be saved behind the editor's back (it
    stayed as a hidden draft holding its address): the create screen has no
    autosave, and so does the edit screen."""
    from cms.models import NoticeIndexPage, NoticePage

    client = staff_member("Editors")
    index = NoticeIndexPage.objects.get()
    html = client.get(f"/admin/pages/add/cms/noticepage/{index.pk}/").content.decode()
    assert 'name="title"' in html  # the editor's form is there
    assert "data-w-autosave-interval-value" not in html
    assert "w-unsaved w-autosave" not in html
    notice = NoticePage.objects.child_of(index).first()
    html = client.get(f"/admin/pages/{notice.pk}/edit/").content.decode()
    assert "data-w-autosave-interval-value" not in html


def test_a_slug_in_use_is_explained_in_polish(_admin_data, db):
    """The error Wagtail gives on the "Promocja SEO" tab when an address is
    taken, as the editor's create form shows it."""
    from cms.models import NoticeIndexPage, NoticePage

    index = NoticeIndexPage.objects.get()
    taken = NoticePage.objects.child_of(index).first().slug
    editor = get_user_model().objects.create_user(username="redaktorka")
    editor.groups.add(Group.objects.get(name="Editors"))
    form_class = NoticePage.get_edit_handler().get_form_class()
    with translation.override("pl"):
        form = form_class(
            {"title": "Ogłoszenie", "slug": taken, "body-count": "0"},
            instance=NoticePage(),
            parent_page=index,
            for_user=editor,
        )
        assert not form.is_valid()
        message = " ".join(form.errors["slug"])
    assert f"Adres (slug) „{taken}” jest już używany" in message
    assert "Promocja SEO" in message
