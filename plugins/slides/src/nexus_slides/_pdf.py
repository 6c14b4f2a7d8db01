"""PDF export of a deck with fpdf2: one page per slide, the slide's size in points.

Shapes are drawn as fpdf2 draws them (rectangles, rounded rectangles, ellipses, and the
triangle, arrow and star as polygons), filled with their colour; texts are wrapped inside
their boxes in DejaVu Sans; pictures are placed at their size. Speaker notes are not
printed (they are the presenter's, as PowerPoint's slide export leaves them out).
"""

from __future__ import annotations

import logging
import math
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fpdf import FPDF

from nexus_slides._model import ElementView, deck_size, read_deck

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pycrdt import Doc

__all__ = ("export_pdf",)

_FONTS = Path(__file__).parent / "fonts"
_FONT = "DejaVu"
_DEFAULT_SIZE = 18.0
# fpdf2 logs every glyph a font lacks; the page simply leaves them out.
logging.getLogger("fpdf.output").setLevel(logging.ERROR)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _polygon(element: ElementView) -> list[tuple[float, float]]:
    x, y, w, h = element.x, element.y, element.w, element.h
    if element.shape == "triangle":
        return [(x + w / 2, y), (x + w, y + h), (x, y + h)]
    if element.shape == "right_arrow":
        return [
            (x, y + h * 0.25), (x + w * 0.6, y + h * 0.25), (x + w * 0.6, y),
            (x + w, y + h / 2), (x + w * 0.6, y + h), (x + w * 0.6, y + h * 0.75),
            (x, y + h * 0.75),
        ]  # fmt: skip
    points = []
    for i in range(10):  # a five-pointed star: outer and inner points in turn
        radius = 0.5 if i % 2 == 0 else 0.2
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(
            (x + w / 2 + w * radius * math.cos(angle), y + h / 2 + h * radius * math.sin(angle))
        )
    return points


def _shape(pdf: FPDF, element: ElementView) -> None:
    style = "DF" if element.fill else "D"
    if element.fill:
        pdf.set_fill_color(*_rgb(element.fill))
    if element.shape == "ellipse":
        pdf.ellipse(element.x, element.y, element.w, element.h, style=style)
    elif element.shape in ("triangle", "right_arrow", "star"):
        pdf.polygon(_polygon(element), style=style)
    else:
        corners = element.shape == "rounded_rectangle"
        pdf.rect(
            element.x, element.y, element.w, element.h, style=style,
            round_corners=corners, corner_radius=min(element.w, element.h) / 6,
        )  # fmt: skip


def _text(pdf: FPDF, element: ElementView) -> None:
    if not element.text:
        return
    size = element.font_size or _DEFAULT_SIZE
    pdf.set_font(_FONT, size=size)
    pdf.set_xy(element.x, element.y)
    align = "C" if element.type == "shape" else "L"
    pdf.multi_cell(element.w, size * 1.2, element.text, align=align, max_line_height=size * 1.2)


def export_pdf(doc: Doc[Any], *, images: Mapping[str, bytes], title: str) -> bytes:
    """The deck as a PDF, one page per slide; ``images`` holds pictures by Drive file id."""
    width, height = deck_size(doc)
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(auto=False)
    pdf.set_margin(0)
    pdf.add_font(_FONT, "", str(_FONTS / "DejaVuSans.ttf"))
    pdf.set_title(title)
    for slide in read_deck(doc):
        pdf.add_page()
        for element in slide.elements:
            if element.type == "shape":
                _shape(pdf, element)
            elif element.type == "image":
                blob = images.get(element.image or "")
                if blob is not None:
                    pdf.image(BytesIO(blob), element.x, element.y, element.w, element.h)
                continue
            _text(pdf, element)
    if pdf.page == 0:
        pdf.add_page()
    return bytes(pdf.output())
