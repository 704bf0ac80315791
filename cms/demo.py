"""Demo content for the public site (pages, notices, documents). Idempotent.

Builds the page tree under the default Site: the home page (replacing Wagtail's
"Welcome" page), notices, the IOK rules with an earlier version, the privacy
clause, contact data, a standard page, and the access application form linked
from the site settings. The demo's documents are files shipped in
``cms/demo_files/``: the application form that editors replace in the admin
("Ustawienia → Spółdzielnia", docs/editors.md), and one sample attachment.
"""

import datetime
import io
import json
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Page, PageLogEntry, Site

from cms import demo_content as text
from cms.audiences import audience_collection
from cms.models import (
    Audience,
    CommunityNoticeAttachment,
    CommunityNoticeIndexPage,
    CommunityNoticePage,
    CommunityNoticeSectionPage,
    ContactOffice,
    ContactPage,
    HomePage,
    NoticeAttachment,
    NoticeIndexPage,
    NoticePage,
    PrivacyClausePage,
    RulesPage,
    SiteSettings,
    StandardPage,
)

DEMO_FILES = Path(__file__).resolve().parent / "demo_files"
FORM_TITLE = "Wniosek o dostęp do IOK"
FORM_FILENAME = "wniosek-o-dostep-do-iok.pdf"
#: The file behind every demo notice attachment (each with its own title).
SAMPLE_ATTACHMENT = "dokument-przykladowy.pdf"
RULES_2012 = {
    "resolution_number": "733/2012",
    "adopted_on": datetime.date(2012, 11, 21),
    "effective_from": datetime.date(2012, 12, 1),
}
RULES_2025 = {
    "resolution_number": "58/2025",
    "adopted_on": datetime.date(2025, 6, 17),
    "effective_from": datetime.date(2025, 7, 1),
}


def seed(*, stdout) -> None:
    """Create the demo page tree; a second run changes nothing."""
    home = _home_page(stdout)
    form = _document(
        FORM_TITLE, FORM_FILENAME, (DEMO_FILES / FORM_FILENAME).read_bytes()
    )
    rules = _rules_page(home, stdout)
    privacy = _privacy_page(home)
    _contact_page(home)
    _standard_page(home, form)
    notices = _notices(home, stdout)
    _editors_publish_notices(notices)

    site_settings = SiteSettings.load()
    site_settings.cooperative_name = text.COOPERATIVE_NAME
    site_settings.address = text.ADDRESS
    site_settings.nip = text.NIP
    site_settings.phone = text.PHONE
    site_settings.email = text.EMAIL
    site_settings.rules_page = rules
    site_settings.privacy_page = privacy
    site_settings.application_form = form
    site_settings.save()
    stdout.write(f"Public site: {Page.objects.live().count()} live pages.")


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def _child(parent: Page, model, slug: str, **fields) -> tuple[Page, bool]:
    """The child of ``parent`` with ``slug``, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    return _publish(page), True


def _home_page(stdout) -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title="Strona główna",
            slug="strona-glowna",
            seo_title="Spółdzielnia Mieszkaniowa „Nadodrze”",
            welcome=text.WELCOME,
        )
        root.add_child(instance=home)
        _publish(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    site.root_page = home
    site.site_name = "SM „Nadodrze”"
    site.save()
    # Wagtail's own "Welcome to your new Wagtail site!" page: a plain Page at depth 2.
    welcome = Page.objects.filter(
        depth=2, content_type=ContentType.objects.get_for_model(Page)
    )
    if welcome.exists():
        stdout.write("Removed Wagtail's default welcome page.")
        welcome.delete()
    return home


def _document(
    title: str,
    filename: str,
    content: bytes,
    audience: str = Audience.PUBLIC,
    community=None,
):
    """The document ``title``, in the collection of ``audience`` (its audience,
    ``cms.audiences``); one left elsewhere by an older seed is moved there."""
    Document = get_document_model()
    collection = audience_collection(audience, community)
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title, collection=collection)
        document.file.save(filename, ContentFile(content), save=False)
        document._set_document_file_metadata()  # size and hash, as an upload would
        document.save()
    elif document.collection_id != collection.pk:
        document.collection = collection
        document.save(update_fields=["collection"])
    return document


def _image(title: str, filename: str):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title, collection=audience_collection(Audience.PUBLIC))
        image.file = ImageFile(io.BytesIO(_building_png()), name=filename)
        image.save()
    return image


def _building_png() -> bytes:
    """A simple drawing of the cooperative's blocks of flats (no stock photos)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (960, 400), "#dbe9f6")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 330, 960, 400), fill="#5f8f4e")
    for left, floors, colour in (
        (60, 10, "#e8e1d3"),
        (360, 6, "#f1d9b5"),
        (620, 8, "#e3e8ec"),
    ):
        width, height = 240, floors * 30
        top = 330 - height
        draw.rectangle((left, top, left + width, 330), fill=colour, outline="#44546a")
        for floor in range(floors):
            for column in range(6):
                x = left + 14 + column * 38
                y = top + 8 + floor * 30
                draw.rectangle((x, y, x + 22, y + 16), fill="#7fa7cf")
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def _rules_page(home: HomePage, stdout) -> RulesPage:
    """The rules with two published versions: 2012 and the 2025 amendment."""
    rules = RulesPage.objects.child_of(home).first()
    if rules is not None:
        return rules
    rules = RulesPage(
        title="Zasady korzystania z modułu Internetowa Obsługa Kontrahenta",
        slug="zasady-iok",
        body=json.dumps(text.rules_body(amended=False)),
        **RULES_2012,
    )
    home.add_child(instance=rules)
    _publish(rules)
    # Date the first publication as the board did, so the list of versions reads
    # naturally; revisions themselves are untouched.
    PageLogEntry.objects.filter(page=rules, action="wagtail.publish").update(
        timestamp=timezone.make_aware(datetime.datetime(2012, 11, 22, 10, 0))
    )
    rules = RulesPage.objects.get(pk=rules.pk)
    for field, value in RULES_2025.items():
        setattr(rules, field, value)
    rules.body = json.dumps(text.rules_body(amended=True))
    _publish(rules)
    stdout.write("Rules page: 2 versions (Nr 733/2012 and Nr 58/2025).")
    return rules


def _privacy_page(home: HomePage) -> PrivacyClausePage:
    page, _created = _child(
        home,
        PrivacyClausePage,
        "rodo",
        title="Klauzula informacyjna RODO",
        body=json.dumps(text.PRIVACY_BODY),
    )
    return page


def _contact_page(home: HomePage) -> ContactPage:
    existing = ContactPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    page = ContactPage(title="Kontakt", slug="kontakt", intro=text.CONTACT_INTRO)
    for order, office in enumerate(text.OFFICES):
        page.offices.add(ContactOffice(sort_order=order, **office))
    home.add_child(instance=page)
    return _publish(page)


def _standard_page(home: HomePage, form) -> StandardPage:
    image = _image("Budynki Spółdzielni – rysunek", "budynki-spoldzielni.png")
    body = [
        {"type": "heading", "value": "Kim jesteśmy"},
        {
            "type": "paragraph",
            "value": (
                "<p>Spółdzielnia Mieszkaniowa „Nadodrze” działa w Opolu od 1961 "
                "roku. Zarządzamy zasobami mieszkaniowymi trzech osiedli oraz, na "
                "podstawie umów, nieruchomościami wspólnot mieszkaniowych powstałych "
                "z wyodrębnienia lokali.</p>"
            ),
        },
        {
            "type": "image",
            "value": {
                "image": {
                    "image": image.pk,
                    "decorative": False,
                    "alt_text": "Rysunek trzech bloków mieszkalnych Spółdzielni",
                },
                "caption": "Budynki osiedli Zaodrze, Śródmieście i Malinka.",
            },
        },
        {"type": "heading", "value": "Zasoby Spółdzielni"},
        {
            "type": "table",
            "value": {
                "first_row_is_table_header": True,
                "first_col_is_header": True,
                "table_caption": "Zasoby według osiedli (stan na 1 stycznia)",
                "data": [
                    ["Osiedle", "Budynki", "Lokale mieszkalne", "Lokale użytkowe"],
                    ["Zaodrze", "14", "842", "11"],
                    ["Śródmieście", "9", "516", "23"],
                    ["Malinka", "11", "604", "6"],
                ],
            },
        },
        {"type": "heading", "value": "Dostęp do IOK"},
        {
            "type": "paragraph",
            "value": (
                "<p>Wniosek o dostęp do modułu Internetowa Obsługa Kontrahenta można "
                "pobrać poniżej, wydrukować i złożyć osobiście w Administracji "
                "Osiedla lub w siedzibie Zarządu.</p>"
            ),
        },
        {
            "type": "document",
            "value": {"document": form.pk, "title": "Wniosek o dostęp do IOK"},
        },
    ]
    page, _created = _child(
        home,
        StandardPage,
        "o-spoldzielni",
        title="O Spółdzielni",
        lead="Historia, zasoby i organizacja Spółdzielni Mieszkaniowej „Nadodrze”.",
        body=json.dumps(body),
    )
    return page


def _notice_specs(today: datetime.date) -> list[dict]:
    day = datetime.timedelta(days=1)
    paragraph = lambda html: [{"type": "paragraph", "value": html}]  # noqa: E731
    return [
        {
            "slug": "nowy-modul-iok",
            "title": "Nowa strona logowania do IOK",
            "date": today - 3 * day,
            "pinned": True,
            "lead": "Moduł Internetowa Obsługa Kontrahenta ma nową stronę logowania. "
            "Identyfikatory i hasła pozostają bez zmian.",
            "body": paragraph(
                "<p>Od dziś do IOK logujemy się przez odnośnik „Logowanie do IOK” "
                "w menu strony. Dotychczasowe adresy przekierowują na nową stronę "
                "logowania. Identyfikator i hasło pozostają bez zmian.</p>"
                "<p>Osoby, które nie mają jeszcze konta, mogą pobrać wniosek "
                "o dostęp ze strony głównej.</p>"
            ),
        },
        {
            "slug": "przerwa-w-dostawie-cieplej-wody-zaodrze",
            "title": "Przerwa w dostawie ciepłej wody – osiedle Zaodrze",
            "date": today - 2 * day,
            "valid_until": today + 10 * day,
            "pinned": True,
            "lead": "W związku z przeglądem węzła cieplnego nastąpi przerwa "
            "w dostawie ciepłej wody w budynkach przy ul. Piastowskiej 21–29.",
            "body": paragraph(
                "<p>Przerwa potrwa od godz. 8:00 do 14:00. Przepraszamy za "
                "utrudnienia. Informacji udziela Administracja Osiedla Zaodrze, "
                "tel. 77 454 20 31.</p>"
            ),
        },
        {
            "slug": "harmonogram-odczytow-podzielnikow",
            "title": "Harmonogram odczytów podzielników ciepła",
            "date": today - 7 * day,
            "valid_until": today + 30 * day,
            "lead": "Odczyty podzielników kosztów ciepła odbędą się według "
            "harmonogramu w załączniku.",
            "body": paragraph(
                "<p>Prosimy o udostępnienie lokali w podanych terminach. Osoby "
                "nieobecne mogą umówić odczyt indywidualny w Administracji "
                "Osiedla.</p>"
            ),
            "attachment": "Harmonogram odczytów podzielników",
        },
        {
            "slug": "walne-zgromadzenie-materialy",
            "title": "Walne Zgromadzenie – materiały dla członków",
            "date": today - 10 * day,
            "audience": NoticePage.Audience.RESIDENTS,
            "lead": "Projekty uchwał i sprawozdanie Zarządu przed tegorocznym "
            "Walnym Zgromadzeniem.",
            "body": paragraph(
                "<p>Zgodnie ze statutem udostępniamy członkom projekty uchwał "
                "i sprawozdanie Zarządu z działalności Spółdzielni. Materiały są "
                "dostępne także w siedzibie Zarządu, pokój 101.</p>"
            ),
            "attachment": "Porządek obrad Walnego Zgromadzenia",
        },
        {
            "slug": "zmiana-oplat-za-wode",
            "title": "Zmiana stawek opłat za wodę i odprowadzanie ścieków",
            "date": today - 12 * day,
            "audience": NoticePage.Audience.RESIDENTS,
            "lead": "Nowe stawki wodociągów miejskich obowiązują od pierwszego dnia "
            "przyszłego miesiąca.",
            "body": paragraph(
                "<p>Indywidualne zawiadomienia o wysokości opłat zostaną dostarczone "
                "do skrzynek pocztowych. Aktualne naliczenia są widoczne w IOK "
                "w kartotece finansowej lokalu.</p>"
            ),
        },
        {
            "slug": "segregacja-odpadow",
            "title": "Segregacja odpadów – przypomnienie",
            "date": today - 20 * day,
            "lead": "Przypominamy zasady segregacji odpadów w altanach śmietnikowych.",
            "body": paragraph(
                "<p>Odpady dzielimy na pięć frakcji: papier, szkło, metale "
                "i tworzywa sztuczne, bio oraz zmieszane. Odpady wielkogabarytowe "
                "odbierane są w pierwszy poniedziałek miesiąca.</p>"
            ),
        },
        {
            "slug": "przeglad-instalacji-gazowych",
            "title": "Coroczny przegląd instalacji gazowych",
            "date": today - 60 * day,
            "valid_until": today - 30 * day,
            "lead": "Przegląd instalacji gazowych w budynkach osiedla Śródmieście "
            "został zakończony.",
            "body": paragraph(
                "<p>Dziękujemy za udostępnienie lokali. Osoby, które nie udostępniły "
                "lokalu, proszone są o kontakt z Administracją Osiedla.</p>"
            ),
        },
        {
            "slug": "dyzury-administracji-swieta",
            "title": "Dyżury Administracji Osiedli w okresie świątecznym",
            "date": today - 90 * day,
            "valid_until": today - 45 * day,
            "lead": "W dniach wolnych od pracy działa pogotowie techniczne.",
            "body": paragraph(
                "<p>Awarie prosimy zgłaszać całodobowo pod numerem 77 454 20 99.</p>"
            ),
        },
    ]


def _notice_attachment(title: str, audience: str = Audience.PUBLIC, community=None):
    """A document titled ``title`` holding the demo's sample PDF, for ``audience``."""
    slug = title.lower().replace(" ", "-")
    filename = slug.translate(str.maketrans("ąćęłńóśźż", "acelnoszz")) + ".pdf"
    content = (DEMO_FILES / SAMPLE_ATTACHMENT).read_bytes()
    return _document(title, filename, content, audience, community)


def _notices(home: HomePage, stdout) -> NoticeIndexPage:
    index, _created = _child(
        home,
        NoticeIndexPage,
        "ogloszenia",
        title="Ogłoszenia",
        intro=text.NOTICES_INTRO,
    )
    today = timezone.localdate()
    created = 0
    for spec in _notice_specs(today):
        spec = dict(spec)
        if NoticePage.objects.child_of(index).filter(slug=spec["slug"]).exists():
            continue
        attachment = spec.pop("attachment", None)
        spec["body"] = json.dumps(spec["body"])
        notice = NoticePage(**spec)
        if attachment:
            # A residents-only notice's attachment is for residents only too.
            audience = (
                Audience.RESIDENTS
                if spec.get("audience") == NoticePage.Audience.RESIDENTS
                else Audience.PUBLIC
            )
            notice.attachments.add(
                NoticeAttachment(document=_notice_attachment(attachment, audience))
            )
        index.add_child(instance=notice)
        _publish(notice)
        created += 1
    # A notice scheduled for next week shows scheduled publishing in the admin.
    if not NoticePage.objects.filter(slug="wymiana-wodomierzy").exists():
        notice = NoticePage(
            slug="wymiana-wodomierzy",
            title="Wymiana wodomierzy – osiedle Malinka",
            date=today + datetime.timedelta(days=7),
            lead="Legalizacyjna wymiana wodomierzy w budynkach przy ul. Malinowej.",
            go_live_at=timezone.now() + datetime.timedelta(days=7),
            live=False,
        )
        index.add_child(instance=notice)
        notice.save_revision().publish()  # stays scheduled until go_live_at
        created += 1
    if created:
        stdout.write(f"Notices: {created} created.")
    return index


def _editors_publish_notices(index: Page) -> None:
    """Editors publish notices themselves; the rest goes through moderation."""
    editors = Group.objects.filter(name="Editors").first()
    if editors is None:
        return
    publish = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(Page), codename="publish_page"
    )
    GroupPagePermission.objects.get_or_create(
        group=editors, page=index, permission=publish
    )


# --- Housing-community notices (after the ledger demo has made the communities) ----

COMMUNITY_SECTION_SLUG = "ogloszenia-wspolnot"
DEMO_COMMUNITIES = 2


def seed_community_notices(*, stdout) -> None:
    """The "Ogłoszenia wspólnot" section with a listing and notices for the first
    two demo communities (by code; the first is the one where 100001 owns a flat).
    Runs after ``ledger.demo.seed``; a second run changes nothing."""
    from ledger.models import HousingCommunity

    home = HomePage.objects.first()
    if home is None:
        return
    section, _created = _child(
        home,
        CommunityNoticeSectionPage,
        COMMUNITY_SECTION_SLUG,
        title="Ogłoszenia wspólnot",
        intro=text.COMMUNITY_NOTICES_INTRO,
    )
    _editors_publish_notices(section)
    today = timezone.localdate()
    created = 0
    for community in HousingCommunity.objects.order_by("code")[:DEMO_COMMUNITIES]:
        index = CommunityNoticeIndexPage.objects.filter(community=community).first()
        if index is None:
            index, _created = _child(
                section,
                CommunityNoticeIndexPage,
                community.code.lower(),
                title=community.name,
                community=community,
            )
        for spec in _community_notice_specs(community, today):
            spec = dict(spec)
            if (
                CommunityNoticePage.objects.child_of(index)
                .filter(slug=spec["slug"])
                .exists()
            ):
                continue
            attachment = spec.pop("attachment", None)
            spec["body"] = json.dumps(spec["body"])
            notice = CommunityNoticePage(**spec)
            if attachment:
                document = _notice_attachment(
                    f"{attachment} – {community.code}", Audience.COMMUNITY, community
                )
                notice.attachments.add(CommunityNoticeAttachment(document=document))
            index.add_child(instance=notice)
            _publish(notice)
            created += 1
    if created:
        stdout.write(f"Housing-community notices: {created} created.")


def _community_notice_specs(community, today: datetime.date) -> list[dict]:
    day = datetime.timedelta(days=1)
    paragraph = lambda html: [{"type": "paragraph", "value": html}]  # noqa: E731
    address = community.address or community.name
    return [
        {
            "slug": "zebranie-wlascicieli",
            "title": "Zebranie właścicieli lokali",
            "date": today - 2 * day,
            "valid_until": today + 21 * day,
            "pinned": True,
            "lead": "Zarząd wspólnoty zaprasza właścicieli lokali na coroczne "
            "zebranie. Porządek obrad w załączniku.",
            "body": paragraph(
                f"<p>Zebranie odbędzie się w świetlicy budynku {address} "
                "o godz. 18:00. W programie: sprawozdanie z wykonania planu "
                "gospodarczego, plan remontów na przyszły rok oraz wysokość "
                "zaliczek na fundusz remontowy.</p>"
                "<p>Uchwały, których nie podejmie zebranie, będą zbierane w trybie "
                "indywidualnym. Głosujemy według udziałów w nieruchomości "
                "wspólnej.</p>"
            ),
            "attachment": "Porządek obrad zebrania wspólnoty",
        },
        {
            "slug": "przeglad-kominiarski",
            "title": "Okresowy przegląd przewodów kominowych",
            "date": today - 6 * day,
            "valid_until": today + 14 * day,
            "lead": "Kominiarz sprawdzi przewody wentylacyjne i spalinowe we "
            "wszystkich lokalach wspólnoty.",
            "body": paragraph(
                "<p>Harmonogram przeglądu zostanie wywieszony na klatkach "
                "schodowych. Prosimy o udostępnienie lokali; osoby nieobecne mogą "
                "umówić inny termin w Administracji Osiedla.</p>"
            ),
        },
        {
            "slug": "sprawozdanie-finansowe",
            "title": "Sprawozdanie finansowe wspólnoty za ubiegły rok",
            "date": today - 30 * day,
            "lead": "Sprawozdanie z wykonania planu gospodarczego i rozliczenie "
            "funduszu remontowego są dostępne do wglądu.",
            "body": paragraph(
                "<p>Sprawozdanie można przejrzeć w Administracji Osiedla w godzinach "
                "pracy. Pytania prosimy kierować do zarządcy przed zebraniem "
                "właścicieli.</p>"
            ),
        },
        {
            "slug": "mycie-okien-klatki",
            "title": "Mycie okien na klatkach schodowych",
            "date": today - 60 * day,
            "valid_until": today - 40 * day,
            "lead": "Firma sprzątająca umyła okna na klatkach schodowych.",
            "body": paragraph(
                "<p>Uwagi do jakości prac prosimy zgłaszać w Administracji Osiedla.</p>"
            ),
        },
    ]
