"""The IOK access application form (rules §II.1–3), generated as a printable PDF."""

from cms.pdf import Document


def application_form_pdf(
    *, cooperative_name: str, address_lines: list[str], rules_resolution: str
) -> bytes:
    """The form a resident prints, fills in by hand and brings to the office with
    an ID document. Polish text: the form is a legal document of a Polish
    cooperative, not part of the translatable interface."""
    doc = Document(title="Wniosek o dostęp do IOK")
    doc.paragraph(cooperative_name, size=11, bold=True, gap=0)
    for line in address_lines:
        doc.paragraph(line, size=10, gap=0)
    doc.space(6)
    doc.field_line("Miejscowość i data:")
    doc.space(10)
    doc.centred("WNIOSEK O DOSTĘP DO MODUŁU")
    doc.centred("INTERNETOWA OBSŁUGA KONTRAHENTA (IOK)")
    doc.space(8)

    doc.paragraph("1. Dane wnioskodawcy", size=11, bold=True, gap=0)
    for label in (
        "Imię i nazwisko:",
        "Adres lokalu (ulica, nr budynku i lokalu):",
        "Numer kontrahenta (jeśli znany):",
        "Adres do korespondencji (jeśli inny):",
        "Telefon kontaktowy:",
        "Adres e-mail:",
    ):
        doc.field_line(label)
    doc.space(8)

    doc.paragraph(
        "2. Tytuł prawny do lokalu (zaznacz właściwe)", size=11, bold=True, gap=2
    )
    for label in (
        "najem lokalu",
        "spółdzielcze lokatorskie prawo do lokalu",
        "spółdzielcze własnościowe prawo do lokalu",
        "odrębna własność lokalu we wspólnocie mieszkaniowej "
        "zarządzanej przez Spółdzielnię",
    ):
        doc.checkbox(label)
    doc.space(8)

    doc.paragraph("3. Oświadczenia", size=11, bold=True, gap=4)
    doc.paragraph(
        "Wnoszę o założenie konta w module Internetowa Obsługa Kontrahenta (IOK). "
        "Oświadczam, że zapoznałem(-am) się z „Zasadami korzystania z modułu "
        "Internetowa Obsługa Kontrahenta” przyjętymi uchwałą Zarządu "
        f"{rules_resolution} i zobowiązuję się do ich przestrzegania.",
    )
    doc.paragraph(
        "Przyjmuję do wiadomości, że identyfikator i hasło do pierwszego logowania "
        "otrzymam osobiście po okazaniu dokumentu tożsamości, a przy pierwszym "
        "logowaniu system wymusi zmianę hasła. Zobowiązuję się nie udostępniać danych "
        "dostępowych osobom trzecim.",
    )
    doc.paragraph(
        f"Administratorem danych osobowych jest {cooperative_name}. Dane są "
        "przetwarzane w celu realizacji praw członków oraz w celach statutowych "
        "Spółdzielni. Pozostałe informacje zawiera klauzula informacyjna RODO "
        "opublikowana na stronie internetowej Spółdzielni.",
        size=9,
    )
    doc.space(30)
    doc.line(330, doc.y, 540, doc.y)
    doc.space(11)
    doc.text_at(360, doc.y, "czytelny podpis wnioskodawcy", size=8)
    doc.space(24)

    doc.paragraph("Wypełnia Spółdzielnia", size=11, bold=True, gap=0)
    for label in (
        "Tożsamość potwierdzono na podstawie dokumentu (rodzaj, numer):",
        "Nadany identyfikator:",
        "Data, podpis i pieczątka pracownika:",
    ):
        doc.field_line(label, size=9)
    doc.space(10)
    doc.paragraph(
        "Wniosek należy złożyć w Administracji Osiedla lub w siedzibie Zarządu "
        "Spółdzielni (pokój 204), okazując dokument tożsamości.",
        size=8,
    )
    return doc.render()
