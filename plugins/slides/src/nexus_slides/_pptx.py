"""PPTX import and export with python-pptx: text boxes, pictures, auto shapes, notes.

Export starts from python-pptx's default template, gives each slide the layout it names
with the layout's empty placeholders removed (what the deck shows is its elements, not
"Click to add title"), and draws the elements at their positions. Pictures need their
bytes: the caller passes them by Drive file id (a picture whose bytes are missing is left
out). Import reads the same back; pictures come out as ``PptxImage`` (bytes, type, a
digest) for the caller to store, and the elements name them by ``images`` — the Drive file
id and files-store key the caller got for each digest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from io import BytesIO
from typing import TYPE_CHECKING, Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_FILL
from pptx.enum.shapes import MSO_SHAPE, MSO_SHAPE_TYPE
from pptx.util import Emu, Pt

from nexus_slides._model import (
    ElementView,
    add_element,
    add_slide,
    deck_size,
    read_deck,
    set_deck_size,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pycrdt import Doc

__all__ = ("PptxImage", "export_pptx", "import_pptx", "pptx_images")

_EMU_PER_PT = 12700
_SHAPES = {
    "rectangle": MSO_SHAPE.RECTANGLE,
    "rounded_rectangle": MSO_SHAPE.ROUNDED_RECTANGLE,
    "ellipse": MSO_SHAPE.OVAL,
    "triangle": MSO_SHAPE.ISOSCELES_TRIANGLE,
    "right_arrow": MSO_SHAPE.RIGHT_ARROW,
    "star": MSO_SHAPE.STAR_5_POINT,
}
_SHAPE_NAMES = {kind: name for name, kind in _SHAPES.items()}
# python-pptx's default template: our layout name → its slide layout's name
_LAYOUTS = {
    "title": "Title Slide",
    "title_content": "Title and Content",
    "section": "Section Header",
    "two_content": "Two Content",
    "blank": "Blank",
}
_LAYOUT_NAMES = {name: ours for ours, name in _LAYOUTS.items()}


@dataclass(frozen=True)
class PptxImage:
    """A picture found in a PPTX file: its bytes, media type and SHA-256 digest."""

    digest: str
    blob: bytes
    content_type: str
    name: str


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _emu(points: float) -> Emu:
    return Emu(round(points * _EMU_PER_PT))


def _points(emu: int | None) -> float:
    return round((emu or 0) / _EMU_PER_PT, 2)


def _write_text(frame: Any, element: ElementView) -> None:
    frame.word_wrap = True
    frame.text = element.text
    if element.font_size:
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(element.font_size)


def _draw(slide: Any, element: ElementView, images: Mapping[str, bytes]) -> None:
    box = (_emu(element.x), _emu(element.y), _emu(element.w), _emu(element.h))
    if element.type == "image":
        blob = images.get(element.image or "")
        if blob is not None:
            slide.shapes.add_picture(BytesIO(blob), *box)
        return
    if element.type == "shape":
        shape = slide.shapes.add_shape(_SHAPES[element.shape or "rectangle"], *box)
        if element.fill:
            shape.fill.solid()
            shape.fill.fore_color.rgb = RGBColor(*_rgb(element.fill))  # type: ignore[no-untyped-call]
        _write_text(shape.text_frame, element)
        return
    _write_text(slide.shapes.add_textbox(*box).text_frame, element)


def export_pptx(doc: Doc[Any], *, images: Mapping[str, bytes]) -> bytes:
    """The deck as a PPTX file; ``images`` holds the pictures' bytes by Drive file id."""
    prs = Presentation()
    width, height = deck_size(doc)
    prs.slide_width, prs.slide_height = _emu(width), _emu(height)
    layouts = {layout.name: layout for layout in prs.slide_layouts}
    for view in read_deck(doc):
        slide = prs.slides.add_slide(layouts[_LAYOUTS.get(view.layout, "Blank")])
        for placeholder in list(slide.placeholders):
            placeholder.element.getparent().remove(placeholder.element)
        for element in view.elements:
            _draw(slide, element, images)
        if view.notes:
            slide.notes_slide.notes_text_frame.text = view.notes
    out = BytesIO()
    prs.save(out)
    return out.getvalue()


def _open(data: bytes) -> Any:
    try:
        return Presentation(BytesIO(data))
    except Exception as exc:  # python-pptx raises zipfile, KeyError, XML errors alike
        raise ValueError("not a PPTX presentation") from exc


def _pictures(shapes: Any) -> list[Any]:
    found: list[Any] = []
    for shape in shapes:
        if hasattr(shape, "image"):
            try:
                shape.image  # noqa: B018 - a placeholder without a picture raises here
            except (AttributeError, ValueError):
                continue
            found.append(shape)
    return found


def pptx_images(data: bytes) -> list[PptxImage]:
    """The distinct pictures of a PPTX file; ValueError when it is not one."""
    seen: dict[str, PptxImage] = {}
    for slide in _open(data).slides:
        for shape in _pictures(_flat(slide.shapes)):
            blob = shape.image.blob
            digest = hashlib.sha256(blob).hexdigest()
            seen.setdefault(
                digest,
                PptxImage(
                    digest=digest,
                    blob=blob,
                    content_type=shape.image.content_type,
                    name=f"{digest[:12]}.{shape.image.ext}",
                ),
            )
    return list(seen.values())


def _fill(shape: Any) -> str | None:
    try:
        if shape.fill.type == MSO_FILL.SOLID:
            return str(shape.fill.fore_color.rgb)
    except (AttributeError, TypeError, ValueError):  # a theme colour has no RGB
        return None
    return None


def _font_size(shape: Any) -> float | None:
    for paragraph in shape.text_frame.paragraphs:
        for run in paragraph.runs:
            if run.font.size is not None:
                return float(run.font.size.pt)
    return None


def _element(shape: Any, number: int, images: Mapping[str, tuple[str, str]]) -> ElementView | None:
    box = ElementView(
        id=f"e{number}",
        type="text",
        x=_points(shape.left),
        y=_points(shape.top),
        w=max(_points(shape.width), 1.0),
        h=max(_points(shape.height), 1.0),
    )
    if shape in _pictures([shape]):
        stored = images.get(hashlib.sha256(shape.image.blob).hexdigest())
        if stored is None:
            return None
        return replace(box, type="image", image=stored[0], image_key=stored[1])
    if not shape.has_text_frame:
        return None
    text = shape.text_frame.text
    size = _font_size(shape)
    if shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE:
        kind = _SHAPE_NAMES.get(shape.auto_shape_type, "rectangle")
        return replace(box, type="shape", shape=kind, fill=_fill(shape), text=text, font_size=size)
    if not text.strip():
        return None
    return replace(box, text=text, font_size=size)


def _flat(shapes: Any) -> list[Any]:
    """The shapes, a group's members in its place (at their own offsets)."""
    flat: list[Any] = []
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            flat.extend(_flat(shape.shapes))
        else:
            flat.append(shape)
    return flat


def import_pptx(
    data: bytes, doc: Doc[Any], *, images: Mapping[str, tuple[str, str]], first_id: int = 1
) -> None:
    """Fill an empty deck Doc from a PPTX file.

    Args:
        data: The PPTX file.
        doc: An empty deck (``new_deck``); its size becomes the file's.
        images: For each picture's digest (``pptx_images``), the Drive file id and the
            files-store key the caller stored it under; a picture missing here is left out.
        first_id: The number the first slide's id counts from (``s1``, ``s2``, ...).

    Raises:
        ValueError: When ``data`` is not a PPTX file.
    """
    prs = _open(data)
    with doc.transaction():
        set_deck_size(doc, width=_points(prs.slide_width), height=_points(prs.slide_height))
        for number, slide in enumerate(prs.slides, start=first_id):
            notes = ""
            if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
                notes = slide.notes_slide.notes_text_frame.text
            layout = _LAYOUT_NAMES.get(slide.slide_layout.name, "blank")
            index = add_slide(doc, slide_id=f"s{number}", layout=layout, notes=notes)
            for position, shape in enumerate(_flat(slide.shapes), start=1):
                element = _element(shape, position, images)
                if element is not None:
                    add_element(doc, index, element)
