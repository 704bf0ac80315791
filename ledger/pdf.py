"""PDF documents of the portal: a letterhead, headings, paragraphs, labelled
figures, tables and page numbers, in DejaVu Sans (shipped in ``ledger/fonts``
with its licence, so Polish letters need nothing installed on the machine).

The one PDF builder: the member area's statement and the office's access
letter use it, and so can later documents (vote minutes, personal
documents). It knows nothing of ledgers or accounts: callers pass the texts,
already translated and formatted (``ledger.formatting``).

Built on fpdf2 (pure Python, installs with pip alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
#: Body text size (points); headings and small print are relative to it.
BODY = 9


@dataclass
class Letterhead:
    """Who issues the document: a name in bold, then address and
    identifiers, one line each."""

    name: str
    lines: Sequence[str] = ()


@dataclass
class Column:
    title: str
    width: float  # a share of the text width (the shares need not add up to 1)
    align: str = "LEFT"  # LEFT, RIGHT or CENTER


@dataclass
class Table:
    columns: list[Column]
    rows: list[Sequence[str]] = field(default_factory=list)
    #: Rows shown in bold (opening and closing balances, totals), by index.
    strong_rows: set[int] = field(default_factory=set)


class Document(FPDF):
    """An A4 page layout with the letterhead on the first page, a running
    title on the next ones, and "page X of Y" with the document's date at the
    foot of every page."""

    def __init__(
        self,
        *,
        title: str,
        letterhead: Letterhead,
        footer: str = "",
        page_label: str = "Page %(page)s of %(pages)s",
        language: str = "pl",
    ):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = title
        self.letterhead = letterhead
        self.footer_text = footer
        self.page_label = page_label
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_author(letterhead.name)
        self.set_creator("IOK")
        self.set_lang(language)
        self.set_margins(16, 14, 16)
        self.set_auto_page_break(auto=True, margin=16)
        self.alias_nb_pages("{nb}")
        self.add_page()

    # --- Page furniture ------------------------------------------------------------

    def header(self):
        if self.page_no() == 1:
            self.set_font(FONT, "B", BODY + 3)
            self.multi_cell(0, 6, self.letterhead.name, new_x=XPos.LMARGIN)
            self.set_font(FONT, "", BODY - 1)
            for line in self.letterhead.lines:
                self.multi_cell(0, 4, line, new_x=XPos.LMARGIN)
        else:
            self.set_font(FONT, "", BODY - 1)
            self.cell(
                0, 5, f"{self.letterhead.name} – {self.doc_title}", new_y=YPos.NEXT
            )
        y = self.get_y() + 1.5
        self.set_draw_color(120)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_y(y + 3)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", BODY - 2)
        self.set_text_color(80)
        page = self.page_label % {"page": self.page_no(), "pages": "{nb}"}
        width = self.w - self.l_margin - self.r_margin
        self.cell(width * 0.7, 5, self.footer_text, align="L")
        self.cell(width * 0.3, 5, page, align="R")
        self.set_text_color(0)

    # --- Content ---------------------------------------------------------------------

    @property
    def text_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def heading(self, text: str, level: int = 1) -> None:
        self.ln(1 if level > 1 else 2)
        self.set_font(FONT, "B", BODY + (4 if level == 1 else 1))
        self.multi_cell(0, 6 if level == 1 else 5, text, new_x=XPos.LMARGIN)
        self.set_font(FONT, "", BODY)

    def paragraph(self, text: str, *, size: int = BODY, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, align="L")
        self.ln(1)
        self.set_font(FONT, "", BODY)

    def figures(self, pairs: Sequence[tuple[str, str]], label_width=0.35) -> None:
        """Labelled values, one per line (label in bold)."""
        width = self.text_width * label_width
        for label, value in pairs:
            self.set_font(FONT, "B", BODY)
            y = self.get_y()
            self.multi_cell(width, 4.6, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
            after_label = self.get_y()
            self.set_font(FONT, "", BODY)
            self.set_y(y)
            self.set_x(self.l_margin + width)
            self.multi_cell(0, 4.6, value, new_x=XPos.LMARGIN)
            self.set_y(max(self.get_y(), after_label))
        self.ln(1)

    def table(self, table: Table) -> None:
        """A table with a header row repeated on every page it spans."""
        total = sum(column.width for column in table.columns)
        widths = [self.text_width * column.width / total for column in table.columns]
        aligns = [column.align for column in table.columns]
        self.set_font(FONT, "", BODY - 1)
        self.set_draw_color(170)
        with super().table(
            col_widths=widths,
            text_align=aligns,
            line_height=4.2,
            first_row_as_headings=True,
            repeat_headings=1,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=_headings_style(),
            padding=(0.8, 1),
        ) as grid:
            header = grid.row()
            for column in table.columns:
                header.cell(column.title)
            for index, values in enumerate(table.rows):
                row = grid.row()
                style = _strong_style() if index in table.strong_rows else None
                for value in values:
                    row.cell(value, style=style)
        self.ln(2)
        self.set_font(FONT, "", BODY)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def _headings_style():
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD", fill_color=(235, 235, 235))


def _strong_style():
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD")
