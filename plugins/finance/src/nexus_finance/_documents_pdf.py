"""The PDF of an invoice, bill or credit note (fpdf2), imported only when one is printed.

Text is set in DejaVu Sans, shipped with the plugin (``fonts/``, a subset covering Latin,
Greek and Cyrillic scripts), so no system font is needed; a character the font lacks is
left out of the page, never an error.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fpdf import FPDF
from fpdf.enums import OutputIntentSubType, XPos, YPos
from fpdf.output import PDFICCProfile

if TYPE_CHECKING:
    from decimal import Decimal

    from nexus_finance._documents import Document

__all__ = ("render_pdf",)

_FONTS = Path(__file__).parent / "fonts"
_FONT = "DejaVu"
# fpdf2 logs every glyph a font lacks; the page simply leaves them out.
logging.getLogger("fpdf.output").setLevel(logging.ERROR)


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


class _Pdf(FPDF):
    footer_text: str | None = None

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(_FONT, size=7)
        self.set_text_color(110, 110, 110)
        if self.footer_text:
            self.multi_cell(150, 3.5, self.footer_text, new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.set_xy(-40, -15)
        self.cell(30, 3.5, f"Page {self.page_no()}/{{nb}}", align="R")


def _percent(rate: Decimal) -> str:
    return f"{rate} %"


def _srgb_profile() -> PDFICCProfile:
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return PDFICCProfile(contents=icc, n=3, alternate="DeviceRGB")


def render_pdf(document: Document, *, pdfa: bool = False) -> bytes:
    """The document as a PDF (A4, DejaVu Sans embedded).

    Args:
        document: What to print.
        pdfa: Make it PDF/A-3B (an sRGB output intent, XMP metadata), as Factur-X wants.
    """
    pdf = _Pdf(format="A4", enforce_compliance="PDF/A-3B" if pdfa else None)
    if pdfa:
        pdf.add_output_intent(
            OutputIntentSubType.PDFA,
            output_condition_identifier="sRGB IEC61966-2.1",
            registry_name="http://www.color.org",
            dest_output_profile=_srgb_profile(),
            info="sRGB IEC61966-2.1",
        )
    pdf.footer_text = document.footer
    pdf.set_title(f"{document.title} {document.number or 'DRAFT'}")
    pdf.set_author(document.seller.name)
    pdf.set_creator("Nexus Finance")
    pdf.add_font(_FONT, "", str(_FONTS / "DejaVuSans.ttf"))
    pdf.add_font(_FONT, "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=22)
    pdf.add_page()
    accent = _rgb(document.accent_color)
    if document.is_draft:
        with pdf.local_context(text_color=(235, 190, 190)):
            pdf.set_font(_FONT, "B", 90)
            with pdf.rotation(35, x=pdf.w / 2, y=pdf.h / 2):
                pdf.text(pdf.w / 2 - 70, pdf.h / 2 + 15, "DRAFT")
    _logo(pdf, document)
    _head(pdf, document, accent)
    _buyer(pdf, document, accent)
    _lines(pdf, document, accent)
    _taxes_and_totals(pdf, document, accent)
    _payment_and_notes(pdf, document, accent)
    return bytes(pdf.output())


def _logo(pdf: FPDF, document: Document) -> None:
    if document.logo is None:
        return
    top = pdf.get_y()
    try:
        pdf.image(io.BytesIO(document.logo), x=pdf.l_margin, y=top, h=18)
        pdf.set_y(top + 21)
    except Exception:  # noqa: BLE001 - a logo the PDF library cannot place is left out
        pdf.set_y(top)


def _facts(document: Document) -> list[tuple[str, str]]:
    facts = [
        ("Number", document.number or "— (draft, not numbered)"),
        ("Issue date", document.date.isoformat()),
        ("Due date", document.due_date.isoformat()),
        ("Currency", document.currency),
    ]
    if document.kind == "credit_note" and (document.credited_number or document.reference):
        facts.append(("Credits", document.credited_number or document.reference or ""))
        if document.credited_date is not None:
            facts.append(("Credited date", document.credited_date.isoformat()))
    elif document.reference:
        facts.append(("Reference", document.reference))
    return facts


def _head(pdf: FPDF, document: Document, accent: tuple[int, int, int]) -> None:
    """The seller on the left; the title, number and dates on the right."""
    width = pdf.epw
    block_top = pdf.get_y()
    pdf.set_font(_FONT, "B", 11)
    pdf.multi_cell(95, 5.5, document.seller.name or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=8.5)
    seller = document.seller
    details = [
        *seller.address(),
        f"VAT: {seller.tax_id}" if seller.tax_id else "",
        f"Registration: {seller.registration_number}" if seller.registration_number else "",
        " · ".join(part for part in (seller.email, seller.phone) if part),
    ]
    for text in filter(None, details):
        pdf.multi_cell(95, 4.2, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()

    pdf.set_xy(pdf.l_margin + 100, block_top)
    pdf.set_font(_FONT, "B", 16)
    pdf.set_text_color(*accent)
    heading = f"DRAFT {document.title.upper()}" if document.is_draft else document.title.upper()
    pdf.cell(width - 100, 8, heading, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(_FONT, size=9)
    for label, value in _facts(document):
        pdf.set_x(pdf.l_margin + 100)
        pdf.cell(35, 4.8, f"{label}:", align="R")
        pdf.multi_cell(width - 135, 4.8, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)


def _buyer(pdf: FPDF, document: Document, accent: tuple[int, int, int]) -> None:
    _section(pdf, accent, "BILL TO" if document.direction == "sale" else "BILLED TO")
    pdf.set_font(_FONT, "B", 10)
    pdf.multi_cell(110, 5, document.buyer.name or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=8.5)
    lines = document.buyer.address()
    if document.buyer.tax_id:
        lines.append(f"VAT: {document.buyer.tax_id}")
    for text in lines:
        pdf.multi_cell(110, 4.2, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)


def _lines(pdf: FPDF, document: Document, accent: tuple[int, int, int]) -> None:
    pdf.set_font(_FONT, size=8.5)
    pdf.set_draw_color(*accent)
    with pdf.table(
        col_widths=(78, 18, 28, 16, 30),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=_heading_style(accent),
        line_height=5,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row(("Description", "Quantity", "Unit price", "Tax", "Net amount"))
        for line in document.lines:
            table.row(
                (
                    line.description,
                    str(line.quantity),
                    document.money(line.unit_price) + (" incl." if line.price_include else ""),
                    _percent(line.tax_rate),
                    document.money(line.net),
                )
            )
    pdf.ln(4)


def _taxes_and_totals(pdf: FPDF, document: Document, accent: tuple[int, int, int]) -> None:
    """The tax breakdown by rate on the left, the totals on the right."""
    start = pdf.get_y()
    _section(pdf, accent, "TAX BREAKDOWN")
    with pdf.table(
        width=90,
        align="LEFT",
        col_widths=(20, 35, 35),
        text_align=("RIGHT", "RIGHT", "RIGHT"),
        headings_style=_heading_style(accent),
        line_height=5,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        table.row(("Rate", "Net", "Tax"))
        for group in document.taxes:
            table.row((_percent(group.rate), document.money(group.net), document.money(group.tax)))
    after_taxes = pdf.get_y()

    pdf.set_y(start)
    totals = [
        ("Total net", document.untaxed_total),
        ("Total tax", document.tax_total),
        (f"Total {document.currency}", document.total),
    ]
    if document.amount_paid:
        totals.append(("Paid", document.amount_paid))
        totals.append(("Amount due", document.total - document.amount_paid))
    for index, (label, amount) in enumerate(totals):
        strong = index == 2
        pdf.set_x(pdf.l_margin + pdf.epw - 80)
        pdf.set_font(_FONT, "B" if strong else "", 10 if strong else 9)
        pdf.cell(45, 6, label, align="R")
        pdf.cell(35, 6, document.money(amount), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(after_taxes, pdf.get_y()) + 6)


def _payment_and_notes(pdf: FPDF, document: Document, accent: tuple[int, int, int]) -> None:
    pdf.set_font(_FONT, size=8.5)
    pay = [
        document.payment_instructions or "",
        f"IBAN / account: {document.bank_account}" if document.bank_account else "",
        f"BIC: {document.bank_bic}" if document.bank_bic else "",
    ]
    if document.kind == "invoice" and document.direction == "sale" and any(pay):
        if document.number:
            pay.append(f"Please quote {document.number} with your payment.")
        _section(pdf, accent, "PAYMENT")
        for text in filter(None, pay):
            pdf.multi_cell(0, 4.2, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    if document.notes:
        _section(pdf, accent, "NOTES")
        pdf.multi_cell(0, 4.2, document.notes, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading_style(accent: tuple[int, int, int]) -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=_FONT, emphasis="BOLD", color=(255, 255, 255), fill_color=accent)


def _section(pdf: FPDF, accent: tuple[int, int, int], title: str) -> None:
    pdf.set_font(_FONT, "B", 8)
    pdf.set_text_color(*accent)
    pdf.cell(0, 4.5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(_FONT, size=8.5)
