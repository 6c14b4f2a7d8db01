"""PDF export of a workbook with fpdf2: each sheet's used range as a table, values shown.

Landscape A4, one table per sheet (a new page for each), DejaVu Sans so any Latin, Greek or
Cyrillic text prints; bold and alignment follow the cells' formats. A sheet wider than the
page keeps its first columns (``MAX_COLUMNS``): a printout, not a layout engine.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from nexus_sheets._model import CELL_REF, CellView, read_workbook

if TYPE_CHECKING:
    from pycrdt import Doc

__all__ = ("export_pdf",)

MAX_COLUMNS = 16
_FONTS = Path(__file__).parent / "fonts"
_FONT = "DejaVu"
# fpdf2 logs every glyph a font lacks; the page simply leaves them out.
logging.getLogger("fpdf.output").setLevel(logging.ERROR)


def _shown(cell: CellView | None) -> str:
    if cell is None or cell.value is None:
        return ""
    if isinstance(cell.value, bool):
        return "TRUE" if cell.value else "FALSE"
    return str(cell.value)


def export_pdf(doc: Doc[Any], *, title: str) -> bytes:
    """The workbook's values as a PDF, one page (or more) per sheet."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font(_FONT, "", str(_FONTS / "DejaVuSans.ttf"))
    pdf.add_font(_FONT, "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    for sheet in read_workbook(doc):
        pdf.add_page()
        pdf.set_font(_FONT, "B", 12)
        pdf.cell(text=f"{title} — {sheet.name}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font(_FONT, size=8)
        positions = [CELL_REF.match(ref) for ref in sheet.cells]
        rows = max((int(m[2]) for m in positions if m), default=0)
        cols = min(
            max((column_index_from_string(m[1]) for m in positions if m), default=0), MAX_COLUMNS
        )
        if not rows or not cols:
            continue
        with pdf.table(first_row_as_headings=False, line_height=5) as table:
            header = table.row()
            header.cell("")
            for col in range(1, cols + 1):
                header.cell(get_column_letter(col), style=FontFace(emphasis="BOLD"))
            for row in range(1, rows + 1):
                line = table.row()
                line.cell(str(row), style=FontFace(emphasis="BOLD"))
                for col in range(1, cols + 1):
                    cell = sheet.cells.get(f"{get_column_letter(col)}{row}")
                    fmt = cell.format if cell else {}
                    align = {"left": "LEFT", "center": "CENTER", "right": "RIGHT"}.get(
                        str(fmt.get("align")),
                        "RIGHT"
                        if cell
                        and isinstance(cell.value, int | float)
                        and not isinstance(cell.value, bool)
                        else "LEFT",
                    )
                    line.cell(
                        _shown(cell),
                        align=align,
                        style=FontFace(emphasis="BOLD") if fmt.get("bold") else None,
                    )
    if pdf.page == 0:
        pdf.add_page()
    return bytes(pdf.output())
