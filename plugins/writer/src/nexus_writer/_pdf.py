"""The ProseMirror JSON as PDF, laid out by fpdf2 from its HTML, pictures drawn between."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from fpdf import FPDF

from nexus_writer._html import to_html

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_writer._picture import Picture

__all__ = ("to_pdf",)

_MM_PER_PIXEL = 25.4 / 96


def _latin(html: str) -> str:
    return html.encode("latin-1", "replace").decode("latin-1")


def to_pdf(document: dict[str, Any], pictures: Mapping[str, Picture] | None = None) -> bytes:
    """The document as a PDF (fpdf2's core fonts: Latin-1 text; others become "?").

    An image whose picture is in ``pictures`` (by Drive file id) is drawn at 96 dpi, at most
    the text's width; the HTML between pictures is laid out as one run, so lists and tables
    keep fpdf2's own spacing.
    """
    pictures = pictures or {}
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pending: list[dict[str, Any]] = []
    for node in [*document.get("content", []), None]:
        picture = None
        if node is not None and node.get("type") == "image":
            picture = pictures.get(str((node.get("attrs") or {}).get("src") or ""))
        if node is not None and picture is None:
            pending.append(node)
            continue
        if pending:
            pdf.write_html(_latin(to_html({"content": pending})))
            pending = []
        if picture is not None:
            width = min(picture.width * _MM_PER_PIXEL, pdf.epw)
            pdf.image(io.BytesIO(picture.blob), x=pdf.l_margin, w=width)
            pdf.ln(2)
    return bytes(pdf.output())
