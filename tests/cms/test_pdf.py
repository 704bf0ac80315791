"""The dependency-free PDF writer used for the application form."""

import re

from cms.application_form import application_form_pdf
from cms.pdf import POLISH_GLYPHS, encode


def test_polish_letters_are_encoded_to_their_own_glyphs():
    assert encode("Zażółć gęślą jaźń") == (
        b"Za\xe7\xf3\xe3\xe1 g\xe2\xe5l\xe0 ja\xe6\xe4"
    )
    codes = [code for code, _glyph in POLISH_GLYPHS.values()]
    assert len(codes) == len(set(codes)) == 16


def test_application_form_is_a_well_formed_pdf():
    pdf = application_form_pdf(
        cooperative_name="Spółdzielnia Mieszkaniowa „Próba”",
        address_lines=["ul. Źródlana 1", "00-001 Łódź"],
        rules_resolution="Nr 1/2020 z dnia 01.01.2020",
    )
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    assert pdf[startxref:].startswith(b"xref")
    # Every object offset in the cross-reference table points at that object.
    entries = re.findall(rb"(\d{10}) 00000 n ", pdf)
    for number, offset in enumerate(entries, start=1):
        assert pdf[int(offset) :].startswith(b"%d 0 obj" % number)
    assert pdf.count(b"/Type /Page ") == 1  # fits on one sheet
    assert encode("WNIOSEK O DOSTĘP") in pdf
