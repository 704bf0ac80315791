"""Payment details: each unit's account number, the amount due and the Polish
banks' transfer QR code ("Standard 2D"), decoded here from the SVG the page
serves; copy buttons that need JavaScript and degrade to plain text."""

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse

import pytest
import qrcode
import time_machine
from PIL import Image, ImageDraw

from cms.models import SiteSettings
from members.area.qr import (
    amount_in_grosz,
    clean_text,
    qr_svg,
    recipient_name,
    transfer_payload,
)
from tests.area.conftest import NOON

pytestmark = pytest.mark.django_db

NIP = "5261040828"


def svg_modules(svg: str) -> list[list[bool]]:
    """The dark modules of the QR symbol drawn by qrcode's SvgPathImage
    (``M x,y H x+1 V y+1 H x z`` squares in a viewBox of modules)."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    grid = [[False] * size for _ in range(size)]
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)
    for x, y, x2, y2 in re.findall(r"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", path):
        for row in range(int(y), int(y2)):
            for column in range(int(x), int(x2)):
                grid[row][column] = True
    return grid


def decode(svg: str) -> str | None:
    """Rasterise the SVG and read it with a real QR decoder (zxing-cpp, a
    pinned test requirement); None when the decoder is not installed."""
    try:
        import zxingcpp
    except ImportError:  # pragma: no cover - requirements-test.txt installs it
        return None
    grid = svg_modules(svg)
    scale = 8
    image = Image.new("L", (len(grid) * scale, len(grid) * scale), 255)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle(
                    (x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1),
                    fill=0,
                )
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    return results[0].text


def reference_modules(payload: str) -> list[list[bool]]:
    """The same payload encoded by the qrcode module directly."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return code.get_matrix()


@pytest.fixture
def cooperative(db):
    settings_row = SiteSettings.load()
    settings_row.cooperative_name = "Spółdzielnia Mieszkaniowa „Nadodrze”"
    settings_row.nip = NIP
    settings_row.save()
    return settings_row


def test_the_payload_has_the_nine_fields_of_the_standard():
    payload = transfer_payload(
        nip="526-104-08-28",
        account="07 1090 1014 0000 0000 0000 0001",
        amount=Decimal("1234.50"),
        recipient="Spółdzielnia Mieszkaniowa „Nadodrze” w Opolu",
        title="Opłaty: ul. Katowicka 12/5 (lokal mieszkalny)",
    )
    fields = payload.split("|")
    assert len(fields) == 9
    assert fields[0] == NIP
    assert fields[1] == "PL"
    assert fields[2] == "07109010140000000000000001"
    assert fields[3] == "123450"
    assert fields[4] == "SM Nadodrze w Opolu"
    assert len(fields[4]) <= 20
    assert fields[5] == "Opłaty ul. Katowicka 12/5 lokal"
    assert len(fields[5]) <= 32
    assert fields[6:] == ["", "", ""]
    assert payload.endswith("|||")


def test_text_fields_keep_only_the_allowed_characters():
    assert clean_text('Zażółć "gęślą" jaźń; <b>!</b>', 32) == "Zażółć gęślą jaźń b /b"
    assert clean_text("a,b.c/d\\e-f@g#h&i*j_k", 32) == "a,b.c/d\\e-f@g#h&i*j_k"
    assert recipient_name("Spółdzielnia Mieszkaniowa „Nadodrze”") == "SM Nadodrze"


def test_amounts_are_in_grosz_padded_to_six_digits():
    assert amount_in_grosz(Decimal("0.05")) == "000005"
    assert amount_in_grosz(Decimal("530.00")) == "053000"
    assert amount_in_grosz(Decimal("12345.67")) == "1234567"
    # Nothing due (or an overpayment): the payer types the amount.
    assert amount_in_grosz(Decimal("0")) == "000000"
    assert amount_in_grosz(Decimal("-10.00")) == "000000"


def test_an_invalid_account_number_never_makes_a_code():
    with pytest.raises(ValueError):
        transfer_payload(
            nip=NIP,
            account="07109010140000000000000002",  # wrong check digits
            amount=Decimal("1"),
            recipient="SM",
            title="x",
        )


def test_the_served_svg_decodes_to_account_amount_recipient_and_title(
    resident_client, resident, cooperative
):
    unit = resident.party.rights.get().unit
    with time_machine.travel(NOON, tick=False):
        response = resident_client.get(reverse("members:payments"))
    html = response.content.decode()
    section = html[html.index(f'id="payment-{unit.pk}"') :]
    svg = section[section.index("<svg") : section.index("</svg>") + 6]

    # Resident A: February paid in full, March's 530,00 zł not booked yet
    # (simulated, due on the 10th): 530,00 zł to pay.
    expected = (
        f"{NIP}|PL|{unit.bank_account}|053000|SM Nadodrze|"
        f"Opłaty {unit.building.address}/{unit.number}|||"
    )
    assert svg_modules(svg) == reference_modules(expected)
    decoded = decode(svg)
    if decoded is not None:
        assert decoded == expected
        fields = decoded.split("|")
        assert fields[2] == unit.bank_account
        assert fields[3] == "053000"
        assert fields[4] == "SM Nadodrze"
        assert fields[5].startswith("Opłaty ")


def test_the_page_shows_account_amount_and_degrading_copy_buttons(
    resident_client, resident, cooperative
):
    unit = resident.party.rights.get().unit
    with time_machine.travel(NOON, tick=False):
        html = resident_client.get(reverse("members:payments")).content.decode()
    assert unit.bank_account_display in html
    assert "530,00\xa0zł" in html
    assert "<dd>Spółdzielnia Mieszkaniowa „Nadodrze”</dd>" in html
    # The buttons are hidden until area.js finds a clipboard; the values stay
    # selectable text. No inline script (CSP).
    assert re.search(r'<button[^>]*data-copy-target="account-\d+"[^>]*hidden', html)
    assert "members/js/area.js" in html
    assert "<script>" not in html and "onclick" not in html


def test_qr_svg_is_plain_markup():
    svg = str(qr_svg(f"{NIP}|PL|07109010140000000000000001|000100|SM|Test|||"))
    assert svg.startswith("<svg") and "<script" not in svg and "<?xml" not in svg


def test_an_overpaid_unit_gets_a_code_without_an_amount(
    resident_client, resident, cooperative
):
    from ledger.models import LedgerEntry
    from tests.factories import LedgerEntryFactory

    unit = resident.party.rights.get().unit
    LedgerEntryFactory(
        unit=unit,
        kind=LedgerEntry.Kind.PAYMENT,
        amount=Decimal("1000.00"),
        booking_date=dt.date(2025, 3, 5),
    )
    with time_machine.travel(NOON, tick=False):
        html = resident_client.get(reverse("members:payments")).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    decoded = decode(svg)
    if decoded is not None:
        assert decoded.split("|")[3] == "000000"
    assert "nic do zapłaty" in html


def test_a_community_units_code_decodes_to_the_communitys_nip_and_account(
    db, client, django_user_model, cooperative
):
    """Issue 14, item 6: the owners of a community's unit pay the community."""
    from ledger.models import Unit
    from ledger.validators import make_nrb
    from tests.area.conftest import make_resident

    user, _party, (unit,) = make_resident(
        django_user_model,
        number="500077",
        name="Wiktor Wspólny",
        zone=Unit.Zone.COMMUNITY,
    )
    community = unit.building.community
    community.name = "Wspólnota Mieszkaniowa Kossaka 12"
    community.nip = "7543001013"
    community.bank_account = make_nrb("124015870000000000000100")
    community.full_clean()
    community.save()
    client.force_login(user)
    with time_machine.travel(NOON, tick=False):
        html = client.get(reverse("members:payments")).content.decode()
    section = html[html.index(f'id="payment-{unit.pk}"') :]
    svg = section[section.index("<svg") : section.index("</svg>") + 6]
    expected = (
        f"7543001013|PL|{community.bank_account}|053000|WM Kossaka 12|"
        f"Opłaty {unit.building.address}/{unit.number}|||"
    )
    assert svg_modules(svg) == reference_modules(expected)
    decoded = decode(svg)
    if decoded is not None:
        fields = decoded.split("|")
        assert fields[0] == "7543001013" and fields[0] != NIP
        assert fields[2] == community.bank_account != unit.bank_account
    assert f"<dd>{community.name}</dd>" in section
    assert community.bank_account_display in section
    assert "Spółdzielnia Mieszkaniowa „Nadodrze”" not in section.split("</section>")[0]
