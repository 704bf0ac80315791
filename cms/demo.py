"""Demo content for the public site (pages, notices, documents). Idempotent.

Builds on ``cms.site.build_site`` (the structure ``setup_site`` makes for a
real installation) with the demo's texts: the IOK rules with an earlier
version, the privacy clause, contact data; then adds notices, a standard page,
and the access application form linked from the site settings. The demo's
documents are files shipped in ``cms/demo_files/``: the application form that
editors replace in the admin ("Ustawienia → Spółdzielnia", docs/editors.md),
and one sample attachment.
"""

import datetime
import io
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry

from cms import demo_content as text
from cms.audiences import audience_collection
from cms.models import (
    Audience,
    CommunityNoticeAttachment,
    CommunityNoticeIndexPage,
    CommunityNoticePage,
    CommunityNoticeSectionPage,
    HomePage,
    NoticeAttachment,
    NoticeIndexPage,
    NoticePage,
    SiteSettings,
    StandardPage,
)
from cms.site import (
    SiteContent,
    build_site,
    child_page,
    editors_publish_under,
    publish,
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


DEMO_CONTENT = SiteContent(
    home_seo_title="Spółdzielnia Mieszkaniowa „Nadodrze”",
    site_name="SM „Nadodrze”",
    welcome=text.WELCOME,
    notices_intro=text.NOTICES_INTRO,
    community_notices_intro=text.COMMUNITY_NOTICES_INTRO,
    rules_versions=(
        (RULES_2012, lambda: text.rules_body(amended=False)),
        (RULES_2025, lambda: text.rules_body(amended=True)),
    ),
    privacy_body=text.PRIVACY_BODY,
    contact_intro=text.CONTACT_INTRO,
    offices=tuple(text.OFFICES),
)


def seed(*, stdout) -> None:
    """The site of ``cms.site.build_site`` with the demo's texts, plus the
    demo's documents, notices and settings; a second run changes nothing."""
    site = build_site(stdout=stdout, content=DEMO_CONTENT)
    home = site.home
    if site.rules_created:
        # Date the first publication as the board did, so the list of versions
        # reads naturally; revisions themselves are untouched.
        first = (
            PageLogEntry.objects.filter(page=site.rules, action="wagtail.publish")
            .order_by("timestamp", "pk")
            .first()
        )
        PageLogEntry.objects.filter(pk=first.pk).update(
            timestamp=timezone.make_aware(datetime.datetime(2012, 11, 22, 10, 0))
        )
    form = _document(
        FORM_TITLE, FORM_FILENAME, (DEMO_FILES / FORM_FILENAME).read_bytes()
    )
    _standard_page(home, form)
    _notices(site.notices, stdout)

    site_settings = SiteSettings.load()
    site_settings.cooperative_name = text.COOPERATIVE_NAME
    site_settings.address = text.ADDRESS
    site_settings.nip = text.NIP
    site_settings.phone = text.PHONE
    site_settings.email = text.EMAIL
    site_settings.rules_page = site.rules
    site_settings.privacy_page = site.privacy
    site_settings.application_form = form
    site_settings.save()
    stdout.write(f"Public site: {Page.objects.live().count()} live pages.")


_child = child_page


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


def _notices(index: NoticeIndexPage, stdout) -> NoticeIndexPage:
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
        publish(notice)
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
    editors_publish_under(section)
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
            publish(notice)
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
