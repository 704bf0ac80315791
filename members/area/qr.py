"""The Polish banks' transfer QR code ("Standard 2D", recommendation of the
Polish Bank Association of 3 December 2013), so that a banking app's "scan to
pay" fills in the transfer.

The payload is one line of nine fields joined by ``|``::

    NIP|PL|NRB (26 digits)|amount in grosz (≥ 6 digits)|recipient (≤ 20)|
    title (≤ 32)|direct-debit id (empty)|Invoobill id (empty)|reserved (empty)

Text fields may hold only letters (Polish ones too), digits, space and
``, . / \\ - @ # & * _``; anything else is replaced by a space here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.safestring import SafeString, mark_safe

import qrcode

from ledger.caching import namespace
from ledger.validators import nrb_is_valid

RECIPIENT_MAX = 20
TITLE_MAX = 32
# Letters of any alphabet Polish banks accept are covered by \w minus digits
# and underscore handled explicitly; the punctuation list is the standard's.
_ALLOWED = re.compile(r"[^0-9A-Za-zĄĆĘŁŃÓŚŹŻąćęłńóśźż ,./\\\-@#&*_]")
_SPACES = re.compile(r"\s+")
_ABBREVIATIONS = (
    ("Spółdzielnia Mieszkaniowa", "SM"),
    ("Spółdzielni Mieszkaniowej", "SM"),
    ("Wspólnota Mieszkaniowa", "WM"),
)


def clean_text(value: str, limit: int) -> str:
    """``value`` with only the allowed characters, single spaces, and cut at
    ``limit`` characters (at a word boundary when one is close)."""
    text = _SPACES.sub(" ", _ALLOWED.sub(" ", value or "")).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut and text[limit] != " ":
        head = cut.rsplit(" ", 1)[0]
        if len(head) >= limit // 2:
            cut = head
    return cut.strip()


def recipient_name(name: str) -> str:
    """The cooperative's name in at most 20 characters: "Spółdzielnia
    Mieszkaniowa" becomes "SM", as banks print it."""
    for long, short in _ABBREVIATIONS:
        name = name.replace(long, short)
    return clean_text(name, RECIPIENT_MAX)


def amount_in_grosz(amount: Decimal | None) -> str:
    """``123.45`` → ``"012345"``; zero or no amount → ``"000000"`` (the payer
    chooses). Negative amounts (nothing due) count as zero."""
    if amount is None or amount <= 0:
        return "000000"
    grosz = int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return f"{grosz:06d}"


@dataclass(frozen=True)
class Recipient:
    """Who a unit's owner pays and who issues its statement: the cooperative
    for its own stock, the housing community for a community's unit (its own
    name, address, NIP and bank account)."""

    name: str
    address_lines: tuple[str, ...]
    nip: str
    account: str
    is_community: bool = False

    @property
    def account_display(self) -> str:
        from ledger.models.structure import nrb_display

        return nrb_display(self.account)


def recipient_for(unit, links) -> Recipient:
    """The one rule for where a unit's payments go (``links`` are the site
    links: the cooperative's name, address and NIP). A community's unit pays
    the community's own account; while the community has none on file, the
    unit's individual account. A cooperative unit pays its individual
    account."""
    community = unit.building.community if unit.zone == "community" else None
    if community is not None:
        return Recipient(
            name=community.name,
            address_lines=tuple(
                line.strip() for line in community.address.split(",") if line.strip()
            ),
            nip=community.nip,
            account=community.bank_account or unit.bank_account,
            is_community=True,
        )
    return Recipient(
        name=links.cooperative_name,
        address_lines=tuple(links.address_lines),
        nip=links.nip,
        account=unit.bank_account,
    )


@dataclass(frozen=True)
class TransferData:
    """What the resident's bank needs for a transfer to a unit's account."""

    nip: str
    account: str
    amount: Decimal | None
    recipient: str
    title: str

    @property
    def payload(self) -> str:
        return transfer_payload(
            nip=self.nip,
            account=self.account,
            amount=self.amount,
            recipient=self.recipient,
            title=self.title,
        )


def transfer_payload(
    *, nip: str, account: str, amount: Decimal | None, recipient: str, title: str
) -> str:
    """The "Standard 2D" string. Raises ``ValueError`` for an account number
    that is not a valid NRB (a wrong QR code would send money astray)."""
    account = (account or "").replace(" ", "")
    if not nrb_is_valid(account):
        raise ValueError("not a valid NRB")
    nip_digits = re.sub(r"\D", "", nip or "")
    if len(nip_digits) != 10:
        nip_digits = ""
    fields = [
        nip_digits,
        "PL",
        account,
        amount_in_grosz(amount),
        recipient_name(recipient),
        clean_text(title, TITLE_MAX),
        "",
        "",
        "",
    ]
    return "|".join(fields)


#: Rendered QR codes by payload: the same account and amount give the same
#: SVG, so the payments page draws each one once (about 10 ms of CPU) instead
#: of on every visit. The payload is the whole input, so nothing needs to bump
#: it; a deploy (new code) starts a new key space.
QR_CODES = namespace("transfer-qr", timeout=24 * 3600)


def qr_svg(payload: str) -> SafeString:
    """The payload as an inline SVG (``render_qr_svg``), from the cache when
    the same payload was drawn before."""
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    svg = QR_CODES.get_or_set((digest,), lambda: str(render_qr_svg(payload)))
    # Only ever stored from render_qr_svg's output, which is safe (below).
    return mark_safe(svg)  # noqa: S308


def render_qr_svg(payload: str) -> SafeString:
    """The payload as an inline SVG (black squares on white, no colour or
    script), sized by CSS; medium error correction as banking apps expect.

    qrcode computes the symbol (its modules, with the best mask); the SVG is
    written here, one path segment per horizontal run of dark modules:
    qrcode's own SVG image drew a square per module through its generic
    drawing layer, a third of the time of a code and twice the markup."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
    )
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()  # with the 4-module quiet zone around it
    size = len(matrix)
    segments = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            end = x + 1
            while end < size and row[end]:
                end += 1
            segments.append(f"M{x},{y}H{end}V{y + 1}H{x}z")
            x = end
    # Only numbers of our own making: safe to inline (no id, so two codes on
    # one page repeat nothing HTML forbids).
    return mark_safe(  # noqa: S308
        f'<svg width="{size}mm" height="{size}mm" version="1.1" '
        f'viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg">'
        f'<path d="{"".join(segments)}" fill="#000000" stroke="none"/></svg>'
    )
