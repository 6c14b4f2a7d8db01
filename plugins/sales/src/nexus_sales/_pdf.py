"""A quotation as a PDF (fpdf2, core Helvetica: no font files to ship).

The core fonts cover Latin-1 only: any other character is replaced by ``?`` (after trying
its ASCII decomposition, so ``ź`` prints as ``z``, and a few common letters and signs:
``Ł`` as ``L``, ``—`` as ``-``, ``€`` as ``EUR``), never an error.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from fpdf import FPDF
from fpdf.enums import XPos, YPos

if TYPE_CHECKING:
    from nexus_sales._views import QuotationOut

__all__ = ("latin1", "quotation_pdf")

_SPELLED = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "€": "EUR",
        "₦": "NGN",
    }
)


def latin1(text: str) -> str:
    """``text`` with every character outside Latin-1 replaced (its base letter, else ``?``)."""
    out = []
    for char in text.translate(_SPELLED):
        if ord(char) < 256:  # noqa: PLR2004 - Latin-1 is the first 256 code points
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append(base or "?")
    return "".join(out)


def quotation_pdf(quotation: QuotationOut) -> bytes:
    """The PDF of a quotation version: customer, lines, totals, validity and terms."""
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"Quotation {quotation.number} v{quotation.version}"))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    title = f"Quotation {quotation.number} (version {quotation.version})"
    pdf.cell(0, 10, latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 10)
    for text in (
        f"Customer: {quotation.partner_name}",
        f"Date: {quotation.created_at.date().isoformat()}",
        f"Valid until: {quotation.validity_date.isoformat()}",
        f"State: {quotation.state}",
    ):
        pdf.cell(0, 6, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    widths = (80, 22, 30, 20, 38)
    pdf.set_font("Helvetica", "B", 10)
    for width, head in zip(
        widths, ("Description", "Qty", "Unit price", "Disc. %", "Net"), strict=True
    ):
        pdf.cell(width, 7, head, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 10)
    for line in quotation.lines:
        cells = (
            line.description[:60],
            line.quantity,
            line.unit_price,
            line.discount_percent,
            line.subtotal,
        )
        for width, text in zip(widths, cells, strict=True):
            pdf.cell(width, 6, latin1(text))
        pdf.ln()
    pdf.ln(4)
    currency = quotation.currency
    for label, amount in (
        ("Untaxed", quotation.untaxed_total),
        ("Taxes", quotation.tax_total),
        ("Total", quotation.total),
    ):
        pdf.cell(152, 6, label, align="R")
        pdf.cell(
            38, 6, latin1(f"{amount} {currency}"), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.ln(4)
    if quotation.payment_terms:
        pdf.multi_cell(
            0, 5, latin1(f"Terms: {quotation.payment_terms}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    if quotation.notes:
        pdf.multi_cell(0, 5, latin1(quotation.notes), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
