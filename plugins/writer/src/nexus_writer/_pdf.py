"""The ProseMirror JSON as PDF, laid out by fpdf2 from its HTML."""

from __future__ import annotations

from typing import Any

from fpdf import FPDF

from nexus_writer._html import to_html

__all__ = ("to_pdf",)


def to_pdf(document: dict[str, Any]) -> bytes:
    """The document as a PDF (fpdf2's core fonts: Latin-1 text; others become "?")."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    html = to_html(document).encode("latin-1", "replace").decode("latin-1")
    pdf.write_html(html)
    return bytes(pdf.output())
