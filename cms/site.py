"""The one builder of the public site's structure (``setup_site``; the demo
builds on it). Idempotent: a page that exists is left as it is, so a second
run, or a run after editors changed the texts, changes nothing.

It builds under the default Site: the home page (replacing Wagtail's
"Welcome to your new Wagtail site!"), the notices index, the housing
communities' notices section, the rules of IOK as adopted by the board's
resolution 733/2012 (text shipped in ``cms/content/``), the RODO clause and
the contact page with a text to fill in, and the site settings that point to
the rules and the clause. The board's workflow is attached to the rules and
the clause; editors publish notices themselves. Groups and the workflow
itself are created by migrations (``cms.0002_board_workflow``,
``ledger.0003_staff_groups``, ``members.0003_registrar_group``): here they are
checked. What staff must complete is listed at the end (``SiteReport``).

The texts are a ``SiteContent``: ``REAL`` for an installation, the demo
passes its own (``cms.demo``).
"""

from __future__ import annotations

import datetime
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from wagtail.models import GroupPagePermission, Page, Site, Workflow

from cms.models import (
    CommunityNoticeSectionPage,
    ContactOffice,
    ContactPage,
    HomePage,
    NoticeIndexPage,
    PrivacyClausePage,
    RulesPage,
    SiteSettings,
)
from cms.services import (
    BOARD_GROUP_NAME,
    BOARD_WORKFLOW_NAME,
    page_assign_board_workflow,
)

CONTENT = Path(__file__).resolve().parent / "content"
#: The rules of IOK as the board adopted them (resolution 733/2012), verbatim.
RULES_733_2012_TEXT = CONTENT / "zasady-iok-733-2012.txt"
RULES_733_2012 = {
    "resolution_number": "733/2012",
    "adopted_on": datetime.date(2012, 11, 21),
    "effective_from": datetime.date(2012, 11, 21),
}
RULES_TITLE = "Zasady korzystania z modułu Internetowa Obsługa Kontrahenta"
# The groups the product's screens rely on (created by migrations).
REQUIRED_GROUPS = ("Editors", "Moderators", BOARD_GROUP_NAME)

_SECTION = re.compile(r"^(?P<n>[IVX]+)\.\s+(?P<title>.+?)\.?$")
_POINT = re.compile(r"^\d+\.\s+(?P<text>.+)$")
_LETTER = re.compile(r"^[a-z]\)\s+(?P<text>.+)$")


def rules_body_from_text(text: str) -> list[dict]:
    """The rules' text as StreamField blocks: each section ("I. …") a
    heading, its numbered points an ordered list, lettered points a list
    within their point. Lines broken inside a sentence are joined; what comes
    before the first section (the cooperative's letterhead, the title) is the
    page's title, not its body."""
    sections: list[tuple[str, list[list]]] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if match := _SECTION.match(line):
            sections.append((f"{match['n']}. {match['title']}", []))
        elif not sections:
            continue
        elif match := _POINT.match(line):
            sections[-1][1].append([match["text"], []])
        elif (match := _LETTER.match(line)) and sections[-1][1]:
            sections[-1][1][-1][1].append(match["text"])
        elif sections[-1][1]:
            point = sections[-1][1][-1]
            if point[1]:
                point[1][-1] += " " + line
            else:
                point[0] += " " + line
    blocks = []
    for heading, points in sections:
        items = "".join(
            "<li>"
            + html.escape(text)
            + (
                "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in subs) + "</ul>"
                if subs
                else ""
            )
            + "</li>"
            for text, subs in points
        )
        blocks.append({"type": "heading", "value": heading})
        blocks.append({"type": "paragraph", "value": f"<ol>{items}</ol>"})
    return blocks


def rules_733_2012_body() -> list[dict]:
    return rules_body_from_text(RULES_733_2012_TEXT.read_text(encoding="utf-8"))


TO_FILL_IN = "<p><b>Do uzupełnienia przez Spółdzielnię.</b></p>"


@dataclass(frozen=True)
class SiteContent:
    home_title: str = "Strona główna"
    home_seo_title: str = ""
    site_name: str = "Spółdzielnia Mieszkaniowa"
    welcome: str = (
        "<p>Witamy na stronie Spółdzielni. Mieszkańcy, którzy mają konto "
        "w module Internetowa Obsługa Kontrahenta (IOK), mogą po zalogowaniu "
        "sprawdzić saldo opłat za lokal, kartotekę finansową, spłatę kredytu, "
        "odczyty liczników i dane z działu członkowskiego.</p>"
    )
    notices_intro: str = ""
    community_notices_intro: str = ""
    rules_title: str = RULES_TITLE
    rules_versions: tuple = ((RULES_733_2012, rules_733_2012_body),)
    privacy_body: list = field(
        default_factory=lambda: [
            {
                "type": "paragraph",
                "value": TO_FILL_IN
                + "<p>Tu Spółdzielnia publikuje klauzulę informacyjną "
                "(art. 13 RODO): administrator danych, inspektor ochrony danych, "
                "cele i podstawy przetwarzania, odbiorcy, okres przechowywania, "
                "prawa osób, których dane dotyczą.</p>",
            }
        ]
    )
    contact_intro: str = (
        TO_FILL_IN + "<p>Adresy, telefony i godziny pracy siedziby Zarządu "
        "i Administracji Osiedli.</p>"
    )
    offices: tuple = ()


REAL = SiteContent()


@dataclass
class SiteReport:
    home: HomePage
    rules: RulesPage
    privacy: PrivacyClausePage
    contact: ContactPage
    notices: NoticeIndexPage
    community_notices: CommunityNoticeSectionPage
    rules_created: bool = False
    to_complete: list[str] = field(default_factory=list)


def publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def child_page(
    parent: Page, model, slug: str, *, single: bool = False, **fields
) -> tuple[Page, bool]:
    """The child of ``parent`` with ``slug``, created and published if missing.
    ``single``: the page of this type has one place under ``parent``; one
    there under another slug (renamed by an editor) is it."""
    children = model.objects.child_of(parent)
    existing = children.filter(slug=slug).first() or (
        children.first() if single else None
    )
    if existing is not None:
        return existing, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    return publish(page), True


def build_site(*, stdout, content: SiteContent = REAL) -> SiteReport:
    """Build (or complete) the site's structure; a second run changes nothing."""
    home = _home_page(content, stdout)
    rules, rules_created = _rules_page(home, content, stdout)
    privacy, _created = child_page(
        home,
        PrivacyClausePage,
        "rodo",
        single=True,
        title="Klauzula informacyjna RODO",
        body=json.dumps(content.privacy_body),
    )
    contact = _contact_page(home, content)
    notices, _created = child_page(
        home,
        NoticeIndexPage,
        "ogloszenia",
        single=True,
        title="Ogłoszenia",
        intro=content.notices_intro,
    )
    community, _created = child_page(
        home,
        CommunityNoticeSectionPage,
        "ogloszenia-wspolnot",
        single=True,
        title="Ogłoszenia wspólnot",
        intro=content.community_notices_intro,
    )
    for page in (rules, privacy):
        page_assign_board_workflow(page)
    for index in (notices, community):
        editors_publish_under(index)

    site_settings = SiteSettings.load()
    changed = []
    if site_settings.rules_page_id is None:
        site_settings.rules_page = rules
        changed.append("rules_page")
    if site_settings.privacy_page_id is None:
        site_settings.privacy_page = privacy
        changed.append("privacy_page")
    if changed or site_settings.pk is None:
        site_settings.save()

    report = SiteReport(
        home=home,
        rules=rules,
        privacy=privacy,
        contact=contact,
        notices=notices,
        community_notices=community,
        rules_created=rules_created,
    )
    report.to_complete = _to_complete(site_settings, privacy, contact)
    missing = [name for name in REQUIRED_GROUPS if not _group_exists(name)]
    if missing:
        report.to_complete.append(
            "Brak grup " + ", ".join(missing) + ": uruchom manage.py migrate."
        )
    if not Workflow.objects.filter(name=BOARD_WORKFLOW_NAME, active=True).exists():
        report.to_complete.append(
            f"Brak procesu „{BOARD_WORKFLOW_NAME}”: uruchom manage.py migrate."
        )
    return report


def _group_exists(name: str) -> bool:
    return Group.objects.filter(name=name).exists()


def _to_complete(site_settings, privacy, contact) -> list[str]:
    todo = []
    labels = {
        "cooperative_name": "nazwa Spółdzielni",
        "address": "adres",
        "nip": "NIP",
        "phone": "telefon",
        "email": "e-mail",
    }
    empty = [
        label for name, label in labels.items() if not getattr(site_settings, name)
    ]
    if empty:
        todo.append("Ustawienia → Spółdzielnia: " + ", ".join(empty) + ".")
    if site_settings.application_form_id is None:
        todo.append("Ustawienia → Spółdzielnia: wniosek o dostęp do IOK (dokument).")
    if TO_FILL_IN in json.dumps(list(privacy.body.raw_data), ensure_ascii=False):
        todo.append(f"Strony → {privacy.title}: treść klauzuli (zatwierdza Zarząd).")
    if TO_FILL_IN in (contact.intro or "") and not contact.offices.exists():
        todo.append(f"Strony → {contact.title}: dane siedziby i administracji.")
    return todo


def _home_page(content: SiteContent, stdout) -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title=content.home_title,
            slug="strona-glowna",
            seo_title=content.home_seo_title,
            welcome=content.welcome,
        )
        root.add_child(instance=home)
        publish(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    if site.root_page_id != home.pk or not site.site_name:
        site.root_page = home
        site.site_name = site.site_name or content.site_name
        site.save()
    # Wagtail's own "Welcome to your new Wagtail site!" page: a plain Page at depth 2.
    welcome = Page.objects.filter(
        depth=2, content_type=ContentType.objects.get_for_model(Page)
    )
    if welcome.exists():
        stdout.write("Removed Wagtail's default welcome page.")
        welcome.delete()
    return home


def _rules_page(home: HomePage, content: SiteContent, stdout):
    """The rules page, published once per version in ``content.rules_versions``
    (``(fields, body function)``, oldest first) when it is created."""
    rules = RulesPage.objects.child_of(home).first()
    if rules is not None:
        return rules, False
    (first_fields, first_body), *later = content.rules_versions
    rules = RulesPage(
        title=content.rules_title,
        slug="zasady-iok",
        body=json.dumps(first_body()),
        **first_fields,
    )
    home.add_child(instance=rules)
    publish(rules)
    for fields, body in later:
        rules = RulesPage.objects.get(pk=rules.pk)
        for name, value in fields.items():
            setattr(rules, name, value)
        rules.body = json.dumps(body())
        publish(rules)
    numbers = ", ".join(
        f"Nr {fields['resolution_number']}" for fields, _body in content.rules_versions
    )
    stdout.write(f"Rules page: {len(content.rules_versions)} version(s) ({numbers}).")
    return rules, True


def _contact_page(home: HomePage, content: SiteContent) -> ContactPage:
    existing = ContactPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    page = ContactPage(title="Kontakt", slug="kontakt", intro=content.contact_intro)
    for order, office in enumerate(content.offices):
        page.offices.add(ContactOffice(sort_order=order, **office))
    home.add_child(instance=page)
    return publish(page)


def editors_publish_under(index: Page) -> None:
    """Editors publish notices themselves; the rest goes through moderation."""
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    publish_permission = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename="publish_page"
    )
    GroupPagePermission.objects.get_or_create(
        group=editors, page=index, permission=publish_permission
    )
