"""Polish demo texts of the public site, written for this project.

The cooperative, its addresses and people are fictional. The rules follow the
board's rules of the IOK module (shared/seed), adapted to this cooperative.
"""

COOPERATIVE_NAME = "Spółdzielnia Mieszkaniowa „Nadodrze” w Opolu"
ADDRESS = "ul. Jaśminowa 14\n45-061 Opole"
NIP = "754-301-28-96"
PHONE = "77 454 20 00"
EMAIL = "sekretariat@sm-nadodrze.example"

WELCOME = (
    "<p>Witamy na stronie Spółdzielni Mieszkaniowej „Nadodrze”. Znajdą tu Państwo "
    "bieżące ogłoszenia Spółdzielni, dane kontaktowe Administracji Osiedli oraz "
    "dokumenty do pobrania.</p>"
    "<p>Mieszkańcy, którzy mają konto w module <b>Internetowa Obsługa Kontrahenta "
    "(IOK)</b>, mogą po zalogowaniu sprawdzić saldo opłat za lokal, kartotekę "
    "finansową, spłatę kredytu, odczyty liczników i dane z działu członkowskiego. "
    "Aby otrzymać dostęp, wystarczy wypełnić wniosek i złożyć go osobiście "
    "w Administracji Osiedla lub w siedzibie Zarządu, okazując dokument "
    "tożsamości.</p>"
)

COMMUNITY_NOTICES_INTRO = (
    "<p>Ogłoszenia wspólnot mieszkaniowych zarządzanych przez Spółdzielnię. Każdy "
    "właściciel lokalu widzi po zalogowaniu do IOK ogłoszenia swojej wspólnoty.</p>"
)
NOTICES_INTRO = (
    "<p>Bieżące ogłoszenia Spółdzielni. Ogłoszenia oznaczone jako „dla "
    "mieszkańców” są widoczne po zalogowaniu do IOK. Ogłoszenia, których termin "
    "ważności minął, znajdują się w archiwum.</p>"
)


def _ol(*items: str) -> str:
    return "<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>"


def rules_body(*, amended: bool) -> list[dict]:
    """The rules: the 2012 text, or the text after the 2025 amendment."""
    definitions = (
        "<p>Użyte w Zasadach określenia oznaczają:</p>"
        "<ul>"
        "<li>IOK – moduł Internetowa Obsługa Kontrahenta pozwalający na podgląd "
        "danych finansowych, ogłoszeń, dokumentów itp. poprzez Internet,</li>"
        "<li>Użytkownik – osoba fizyczna z prawem do lokalu w zasobach "
        "Spółdzielni bądź właściciel lokalu we Wspólnocie Mieszkaniowej "
        "zarządzanej przez Spółdzielnię, która posiada konto w module IOK,</li>"
        f"<li>Spółdzielnia – {COOPERATIVE_NAME}.</li>"
        "</ul>"
    )
    if amended:
        privacy = (
            f"Administratorem danych jest {COOPERATIVE_NAME}. Dane osobowe "
            "przetwarzane są w celu realizacji praw członków oraz w celach "
            "statutowych Spółdzielni. Pozostałe informacje dotyczące zasad "
            "przetwarzania danych osobowych zawiera Klauzula informacyjna RODO, "
            "do której odnośnik znajduje się w stopce każdej strony internetowej "
            "Spółdzielni."
        )
        login = (
            "Logowanie do IOK dostępne jest na stronie internetowej Spółdzielni "
            "pod odnośnikiem „Logowanie do IOK” (adres /iok/login/). Dotychczasowy "
            "adres https://iok.sm-nadodrze.example/InetObsKontr/LoginPage "
            "przekierowuje na nową stronę logowania."
        )
        length_rule = (
            "Hasło musi się składać z co najmniej 6 znaków. W haśle musi wystąpić "
            "przynajmniej 1 cyfra. Spółdzielnia zaleca stosowanie haseł dłuższych, "
            "niepowtarzanych w innych serwisach."
        )
        lost = (
            "W przypadku utraty danych dostępowych do IOK Użytkownik winien zgłosić "
            "się osobiście, z dokumentem tożsamości, do Administracji Osiedla lub "
            "siedziby Zarządu celem uzyskania nowego hasła do pierwszego logowania."
        )
        closing = (
            "Zasady zostały przyjęte uchwałą Zarządu Spółdzielni Nr 733/2012 "
            "z dnia 21.11.2012 i zmienione uchwałą Zarządu Nr 58/2025 z dnia "
            "17.06.2025."
        )
    else:
        privacy = (
            f"Administratorem Danych jest {COOPERATIVE_NAME}. Dane osobowe "
            "przetwarzane są w celu realizacji praw członków oraz w celach "
            "statutowych Spółdzielni. Pozostałe informacje dotyczące zasad "
            "przetwarzania danych osobowych dostępne są w Klauzuli Informacyjnej "
            "zamieszczonej na stronie internetowej Spółdzielni."
        )
        login = (
            "Logowanie do IOK dostępne jest pod adresami: "
            "https://www.iok.sm-nadodrze.example/InetObsKontr/LoginPage oraz "
            "https://iok.sm-nadodrze.example/InetObsKontr/LoginPage."
        )
        length_rule = (
            "Hasło musi się składać z co najmniej 6 znaków. W haśle musi wystąpić "
            "przynajmniej 1 cyfra."
        )
        lost = (
            "W przypadku utraty danych dostępowych do IOK Użytkownik winien zgłosić "
            "się do Spółdzielni celem uzyskania nowego hasła."
        )
        closing = (
            "Zasady zostały przyjęte uchwałą Zarządu Spółdzielni Nr 733/2012 "
            "z dnia 21.11.2012."
        )

    zones = (
        "W ramach IOK dostępne są następujące strefy: najem lub prawo do lokalu "
        "(umożliwia podgląd danych z kartoteki finansowej dla lokali w zasobach "
        "Spółdzielni), własność lokalu we wspólnocie mieszkaniowej (umożliwia "
        "podgląd danych z kartoteki finansowej dla lokali we Wspólnotach "
        "Mieszkaniowych zarządzanych przez Spółdzielnię), kredyty, ogłoszenia "
        "Spółdzielni, ogłoszenia Wspólnot Mieszkaniowych, odczyty liczników, dział "
        "członkowski, dane kontaktowe."
    )
    use = [
        "Po podaniu identyfikatora oraz hasła użytkownik zostaje zalogowany do IOK "
        "do swojego indywidualnego konta.",
        zones,
        "Spółdzielnia zastrzega sobie prawo do modyfikowania, zawieszania, "
        "dodawania nowych usług w IOK.",
        "Prezentowane w IOK saldo opłat za lokal jest podawane na dzień zalogowania "
        "się do IOK. Prezentowana kwota salda uwzględnia każdorazowo naliczenie "
        "opłat za dany miesiąc, choćby termin ich wniesienia nie upłynął (tzw. "
        "symulacja). Saldo może – przejściowo – nie uwzględniać wpłat za lokal, "
        "korekt opłat związanych ze zmianą liczby osób, norm zużycia wody, "
        "rozliczeń mediów, odsetek za zwłokę.",
        "Wszelkie niezgodności co do kwoty salda należy zgłaszać do poszczególnych "
        "Administracji Osiedla celem wyjaśnienia.",
        "Informacje uzyskane przez Użytkownika za pośrednictwem IOK nie mogą "
        "stanowić wyłącznej podstawy roszczeń wobec Spółdzielni.",
    ]
    if amended:
        use.insert(
            5,
            "Niezgodność salda można zgłosić także bezpośrednio z IOK; zgłoszenie "
            "trafia do Administracji Osiedla, która obsługuje dany lokal.",
        )
    return [
        {"type": "heading", "value": "I. Postanowienia ogólne"},
        {
            "type": "paragraph",
            "value": _ol(definitions, "Korzystanie z IOK jest bezpłatne."),
        },
        {"type": "heading", "value": "II. Rejestracja Użytkownika"},
        {
            "type": "paragraph",
            "value": _ol(
                "W celu uzyskania dostępu do IOK przyszły użytkownik zobowiązany jest "
                "do wypełnienia wniosku o dostęp do IOK.",
                "Wniosek o dostęp można pobrać ze strony internetowej Spółdzielni "
                "lub otrzymać go w jej siedzibie.",
                "Wnioski o dostęp można składać w poszczególnych Administracjach "
                "Osiedla bądź w siedzibie Zarządu Spółdzielni – pokój 204. Przy "
                "składaniu wniosku należy okazać dokument stwierdzający tożsamość.",
                privacy,
                "Zarejestrowany użytkownik otrzymuje: identyfikator oraz hasło.",
                "Hasło do pierwszego logowania zostaje nadane podczas rejestracji. "
                "Przy pierwszym logowaniu do IOK system wymusi podanie nowego hasła.",
                length_rule,
                login,
            ),
        },
        {"type": "heading", "value": "III. Korzystanie z IOK"},
        {"type": "paragraph", "value": _ol(*use)},
        {"type": "heading", "value": "IV. Pozostałe postanowienia"},
        {
            "type": "paragraph",
            "value": _ol(
                "Spółdzielnia ma prawo zablokować dostęp do konta w IOK w wypadku "
                "stwierdzenia korzystania z niego w sposób sprzeczny z niniejszymi "
                "Zasadami lub przepisami prawa.",
                "Spółdzielnia nie ponosi odpowiedzialności za szkody powstałe "
                "w związku z udostępnieniem danych dostępowych do IOK przez "
                "Użytkownika osobom trzecim.",
                lost,
                "Zasady opublikowane na stronie internetowej Spółdzielni uznaje się "
                "za doręczone Użytkownikowi.",
                "Spółdzielnia zastrzega sobie prawo zmiany niniejszych Zasad.",
                closing,
            ),
        },
    ]


PRIVACY_BODY = [
    {
        "type": "paragraph",
        "value": (
            "<p>Zgodnie z art. 13 ust. 1 i 2 rozporządzenia Parlamentu Europejskiego "
            "i Rady (UE) 2016/679 z dnia 27 kwietnia 2016 r. w sprawie ochrony osób "
            "fizycznych w związku z przetwarzaniem danych osobowych i w sprawie "
            "swobodnego przepływu takich danych (RODO) informujemy, że:</p>"
        ),
    },
    {"type": "heading", "value": "Administrator danych"},
    {
        "type": "paragraph",
        "value": (
            f"<p>Administratorem Pani/Pana danych osobowych jest {COOPERATIVE_NAME}, "
            "ul. Jaśminowa 14, 45-061 Opole, tel. 77 454 20 00, e-mail: "
            "sekretariat@sm-nadodrze.example.</p>"
        ),
    },
    {"type": "heading", "value": "Inspektor ochrony danych"},
    {
        "type": "paragraph",
        "value": (
            "<p>W sprawach dotyczących przetwarzania danych osobowych można "
            "kontaktować się z Inspektorem Ochrony Danych pod adresem e-mail "
            "iod@sm-nadodrze.example lub pisemnie na adres siedziby Spółdzielni.</p>"
        ),
    },
    {"type": "heading", "value": "Cele i podstawy przetwarzania"},
    {
        "type": "paragraph",
        "value": (
            "<p>Dane osobowe przetwarzamy w celu:</p><ul>"
            "<li>realizacji praw członków Spółdzielni i osób posiadających tytuł "
            "prawny do lokali oraz wykonywania umów (art. 6 ust. 1 lit. b RODO),</li>"
            "<li>wypełnienia obowiązków prawnych wynikających z ustawy "
            "o spółdzielniach mieszkaniowych, ustawy – Prawo spółdzielcze, ustawy "
            "o własności lokali oraz przepisów podatkowych i rachunkowych "
            "(art. 6 ust. 1 lit. c RODO),</li>"
            "<li>udostępnienia danych finansowych lokalu w module Internetowa "
            "Obsługa Kontrahenta (IOK) na wniosek Użytkownika (art. 6 ust. 1 "
            "lit. b RODO),</li>"
            "<li>dochodzenia roszczeń i obrony przed roszczeniami, co stanowi prawnie "
            "uzasadniony interes Spółdzielni (art. 6 ust. 1 lit. f RODO).</li></ul>"
        ),
    },
    {"type": "heading", "value": "Odbiorcy danych"},
    {
        "type": "paragraph",
        "value": (
            "<p>Dane mogą być przekazywane wyłącznie podmiotom uprawnionym na "
            "podstawie przepisów prawa oraz podmiotom przetwarzającym dane na "
            "zlecenie Spółdzielni (np. dostawcom oprogramowania księgowego, firmom "
            "dokonującym odczytów liczników), na podstawie umów powierzenia.</p>"
        ),
    },
    {"type": "heading", "value": "Okres przechowywania"},
    {
        "type": "paragraph",
        "value": (
            "<p>Dane przechowujemy przez okres posiadania tytułu prawnego do lokalu "
            "lub członkostwa w Spółdzielni, a następnie przez okres wymagany "
            "przepisami prawa (w szczególności przepisami o rachunkowości) lub do "
            "upływu terminów przedawnienia roszczeń. Konto w IOK usuwamy po ustaniu "
            "tytułu prawnego do lokalu.</p>"
        ),
    },
    {"type": "heading", "value": "Pani/Pana prawa"},
    {
        "type": "paragraph",
        "value": (
            "<p>Przysługuje Pani/Panu prawo dostępu do danych, ich sprostowania, "
            "usunięcia lub ograniczenia przetwarzania, prawo wniesienia sprzeciwu "
            "oraz prawo do przenoszenia danych – w zakresie przewidzianym przez "
            "RODO. Przysługuje Pani/Panu także prawo wniesienia skargi do Prezesa "
            "Urzędu Ochrony Danych Osobowych (ul. Stawki 2, 00-193 Warszawa).</p>"
            "<p>Podanie danych jest wymogiem ustawowym lub umownym; bez nich nie "
            "jest możliwe m.in. założenie konta w IOK. Dane nie są wykorzystywane "
            "do zautomatyzowanego podejmowania decyzji ani profilowania.</p>"
        ),
    },
]

# The head office only: the estate offices come from the ledger's estates
# (ledger/demo.py), the one list of them (cms.models.ContactPage).
OFFICES = [
    {
        "kind": "head_office",
        "name": "Siedziba Zarządu Spółdzielni",
        "address": "ul. Jaśminowa 14\n45-061 Opole",
        "phone": "77 454 20 00",
        "email": "sekretariat@sm-nadodrze.example",
        "opening_hours": "pon. 8:00–17:00\nwt.–czw. 7:00–15:00\npt. 7:00–13:00",
        "notes": "Wnioski o dostęp do IOK: pokój 204 (II piętro).",
    },
]

CONTACT_INTRO = (
    "<p>Sprawy dotyczące lokali, opłat i usterek prosimy zgłaszać w Administracji "
    "Osiedla, która obsługuje dany budynek. Wnioski o dostęp do IOK przyjmuje "
    "każda Administracja Osiedla oraz siedziba Zarządu (pokój 204).</p>"
    "<p>Awarie poza godzinami pracy: pogotowie techniczne, tel. 77 454 20 99 "
    "(całodobowo).</p>"
)
