"""A tiny PDF writer for printable forms, with Polish letters and no dependencies.

It uses the standard Helvetica fonts every PDF reader has, so nothing needs to be
embedded and no TrueType file has to exist on the server. Helvetica's glyph set
contains the Polish letters, but no standard encoding reaches them; a custom
encoding maps them onto byte codes that Polish text never needs (À–Ç, à–ç).
"""

import unicodedata
from dataclasses import dataclass, field

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4 in points
MARGIN = 50.0

# Byte code -> glyph name, overriding WinAnsiEncoding (Ó and ó are already there).
POLISH_GLYPHS = {
    "Ą": (0xC0, "Aogonek"),
    "Ć": (0xC1, "Cacute"),
    "Ę": (0xC2, "Eogonek"),
    "Ł": (0xC3, "Lslash"),
    "Ń": (0xC4, "Nacute"),
    "Ś": (0xC5, "Sacute"),
    "Ź": (0xC6, "Zacute"),
    "Ż": (0xC7, "Zdotaccent"),
    "ą": (0xE0, "aogonek"),
    "ć": (0xE1, "cacute"),
    "ę": (0xE2, "eogonek"),
    "ł": (0xE3, "lslash"),
    "ń": (0xE4, "nacute"),
    "ś": (0xE5, "sacute"),
    "ź": (0xE6, "zacute"),
    "ż": (0xE7, "zdotaccent"),
}

# Helvetica advance widths (1/1000 em) for ASCII 32..126, from the font's AFM.
_HELVETICA = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 "
    "556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556 "
    "1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 "
    "667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 "
    "333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556 "
    "556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
HELVETICA_WIDTHS = dict(
    zip((chr(c) for c in range(32, 127)), map(int, _HELVETICA.split()), strict=True)
)
BOLD_FACTOR = 1.07  # Helvetica-Bold is about this much wider, enough for wrapping


def encode(text: str) -> bytes:
    """Encode text for the custom encoding; unknown characters become '?'."""
    out = bytearray()
    for char in text:
        if char in POLISH_GLYPHS:
            out.append(POLISH_GLYPHS[char][0])
            continue
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            out += b"?"
    return bytes(out)


def _char_width(char: str) -> int:
    """A Polish letter is as wide as its base letter (ą as a, Ł as L)."""
    base = {"ł": "l", "Ł": "L"}.get(char) or unicodedata.normalize("NFD", char)[0]
    return HELVETICA_WIDTHS.get(base, 556)


def text_width(text: str, size: float, bold: bool = False) -> float:
    total = sum(_char_width(char) for char in text)
    return total * size / 1000 * (BOLD_FACTOR if bold else 1)


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size, bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _escape(data: bytes) -> bytes:
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


@dataclass
class Document:
    """Pages of drawing operators, laid out from the top with a cursor ``y``."""

    title: str = ""
    pages: list[list[bytes]] = field(default_factory=lambda: [[]])
    y: float = PAGE_HEIGHT - MARGIN

    @property
    def ops(self) -> list[bytes]:
        return self.pages[-1]

    def ensure_space(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.pages.append([])
            self.y = PAGE_HEIGHT - MARGIN

    def text_at(self, x: float, y: float, text: str, size=10.0, bold=False) -> None:
        font = b"/F2" if bold else b"/F1"
        self.ops.append(
            b"BT %s %.1f Tf %.2f %.2f Td (%s) Tj ET"
            % (font, size, x, y, _escape(encode(text)))
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, width=0.6) -> None:
        self.ops.append(b"%.2f w %.2f %.2f m %.2f %.2f l S" % (width, x1, y1, x2, y2))

    def box(self, x: float, y: float, w: float, h: float) -> None:
        self.ops.append(b"0.8 w %.2f %.2f %.2f %.2f re S" % (x, y, w, h))

    def paragraph(self, text: str, size=10.0, bold=False, indent=0.0, gap=4.0) -> None:
        leading = size * 1.35
        for line in wrap(text, size, PAGE_WIDTH - 2 * MARGIN - indent, bold):
            self.ensure_space(leading)
            self.y -= leading
            self.text_at(MARGIN + indent, self.y, line, size, bold)
        self.y -= gap

    def centred(self, text: str, size=14.0, bold=True) -> None:
        leading = size * 1.3
        for line in wrap(text, size, PAGE_WIDTH - 2 * MARGIN, bold):
            self.ensure_space(leading)
            self.y -= leading
            x = (PAGE_WIDTH - text_width(line, size, bold)) / 2
            self.text_at(x, self.y, line, size, bold)

    def field_line(self, label: str, size=10.0) -> None:
        """A label with a dotted-style line to write on by hand."""
        self.ensure_space(26)
        self.y -= 24
        self.text_at(MARGIN, self.y, label, size)
        start = MARGIN + text_width(label, size) + 8
        self.line(start, self.y - 2, PAGE_WIDTH - MARGIN, self.y - 2)

    def checkbox(self, label: str, size=10.0) -> None:
        self.ensure_space(20)
        self.y -= 18
        self.box(MARGIN + 8, self.y - 1, 9, 9)
        self.text_at(MARGIN + 24, self.y, label, size)

    def space(self, height: float) -> None:
        self.y -= height

    def render(self) -> bytes:
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        differences = b" ".join(
            b"%d /%s" % (code, name.encode()) for code, name in POLISH_GLYPHS.values()
        )
        encoding = add(
            b"<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [%s] >>"
            % differences
        )
        regular = add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding %d 0 R >>"
            % encoding
        )
        bold = add(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
            b"/Encoding %d 0 R >>" % encoding
        )
        # The page tree object comes right after each page's content and page.
        pages_id = len(objects) + 2 * len(self.pages) + 1
        page_ids = []
        for ops in self.pages:
            stream = b"\n".join(ops)
            content = add(
                b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
            )
            page_ids.append(
                add(
                    b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] "
                    b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> "
                    b"/Contents %d 0 R >>"
                    % (pages_id, PAGE_WIDTH, PAGE_HEIGHT, regular, bold, content)
                )
            )
        kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
        add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids)))
        title = self.title.encode("utf-16-be").hex().upper().encode()
        info = add(b"<< /Title <FEFF%s> /Producer (IOK) >>" % title)
        catalog = add(b"<< /Type /Catalog /Pages %d 0 R /Lang (pl-PL) >>" % pages_id)

        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += (
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n"
            b"startxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, info, xref)
        )
        return bytes(out)
