"""The deck document: a pycrdt (Yjs) Doc, and plain views of it.

The Doc holds a Y.Map ``deck`` (``width``, ``height``: the slide size in points, 960 × 540
for 16:9) and a Y.Array ``slides`` of slide Y.Maps, in order::

    {"id": "s1", "layout": "title", "notes": Y.Text("Say hello"),
     "elements": [{"id": "e1", "type": "text", "x": 40, "y": 30, "w": 880, "h": 80,
                   "text": Y.Text("Quarterly review"), "font_size": 36},
                  {"id": "e2", "type": "shape", "shape": "ellipse", "fill": "1F77B4", ...},
                  {"id": "e3", "type": "image", "image": "<Drive file id>",
                   "image_key": "<the object in the tenant's files store>", ...}]}

Texts and notes are Y.Texts, so two people typing in one box merge character by
character. Positions and sizes are points from the slide's top left corner.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from pycrdt import Array, Doc, Map, Text

__all__ = (
    "ELEMENT_TYPES",
    "SHAPES",
    "ElementView",
    "SlideView",
    "add_element",
    "add_slide",
    "deck_size",
    "decode_doc",
    "encode_state",
    "new_deck",
    "read_deck",
    "set_deck_size",
    "slides_of",
)

ELEMENT_TYPES = ("text", "image", "shape")
SHAPES = ("rectangle", "rounded_rectangle", "ellipse", "triangle", "right_arrow", "star")
LAYOUTS = ("blank", "title", "title_content", "section", "two_content")
_COLOUR = re.compile(r"^[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class ElementView:
    """One element of a slide as plain data (points from the top left corner)."""

    id: str
    type: str
    x: float
    y: float
    w: float
    h: float
    text: str = ""
    shape: str | None = None
    fill: str | None = None
    image: str | None = None
    image_key: str | None = None
    font_size: float | None = None


@dataclass(frozen=True)
class SlideView:
    """One slide as plain data."""

    id: str
    layout: str
    elements: list[ElementView]
    notes: str


def slides_of(doc: Doc[Any]) -> Array[Any]:
    """The Doc's ``slides`` array."""
    slides: Array[Any] = doc.get("slides", type=Array)
    return slides


def _deck(doc: Doc[Any]) -> Map[Any]:
    deck: Map[Any] = doc.get("deck", type=Map)
    return deck


def new_deck(*, width: float = 960, height: float = 540) -> Doc[Any]:
    """An empty deck of this slide size (points)."""
    doc: Doc[Any] = Doc()
    set_deck_size(doc, width=width, height=height)
    return doc


def set_deck_size(doc: Doc[Any], *, width: float, height: float) -> None:
    """Set the slide size in points."""
    with doc.transaction():
        deck = _deck(doc)
        deck["width"] = float(width)
        deck["height"] = float(height)


def deck_size(doc: Doc[Any]) -> tuple[float, float]:
    """The slide size in points (960 × 540 when the Doc does not say)."""
    deck = _deck(doc)
    return float(deck.get("width") or 960), float(deck.get("height") or 540)


def add_slide(doc: Doc[Any], *, slide_id: str, layout: str = "blank", notes: str = "") -> int:
    """Append an empty slide; answer its index. ValueError for an unknown layout."""
    if layout not in LAYOUTS:
        raise ValueError(f"a layout is one of {', '.join(LAYOUTS)}")
    slides = slides_of(doc)
    with doc.transaction():
        slides.append(
            Map({"id": slide_id, "layout": layout, "notes": Text(notes), "elements": Array()})
        )
    return len(slides) - 1


def _check(element: ElementView) -> None:
    if element.type not in ELEMENT_TYPES:
        raise ValueError(f"an element is one of {', '.join(ELEMENT_TYPES)}")
    if element.w <= 0 or element.h <= 0:
        raise ValueError("an element's width and height are positive")
    if element.type == "shape" and element.shape not in SHAPES:
        raise ValueError(f"a shape is one of {', '.join(SHAPES)}")
    if element.fill is not None and not _COLOUR.match(element.fill):
        raise ValueError("a fill is a colour like 1F77B4")
    if element.type == "image" and not element.image:
        raise ValueError("an image element names its Drive file")


def add_element(doc: Doc[Any], index: int, element: ElementView) -> None:
    """Append an element to the slide at ``index``; ValueError for a bad element."""
    _check(element)
    fields: dict[str, Any] = {
        "id": element.id,
        "type": element.type,
        "x": float(element.x),
        "y": float(element.y),
        "w": float(element.w),
        "h": float(element.h),
        "text": Text(element.text),
    }
    for key in ("shape", "fill", "image", "image_key", "font_size"):
        if getattr(element, key) is not None:
            fields[key] = getattr(element, key)
    with doc.transaction():
        slides_of(doc)[index]["elements"].append(Map(fields))


def _element(raw: dict[str, Any]) -> ElementView:
    return ElementView(
        id=str(raw.get("id") or ""),
        type=str(raw.get("type") or "text"),
        x=float(raw.get("x") or 0),
        y=float(raw.get("y") or 0),
        w=float(raw.get("w") or 0),
        h=float(raw.get("h") or 0),
        text=str(raw.get("text") or ""),
        shape=raw.get("shape"),
        fill=raw.get("fill"),
        image=raw.get("image"),
        image_key=raw.get("image_key"),
        font_size=float(raw["font_size"]) if raw.get("font_size") else None,
    )


def read_deck(doc: Doc[Any]) -> list[SlideView]:
    """Every slide as plain data, in order."""
    return [
        SlideView(
            id=str(slide.get("id") or ""),
            layout=str(slide.get("layout") or "blank"),
            elements=[_element(raw) for raw in slide.get("elements") or []],
            notes=str(slide.get("notes") or ""),
        )
        for slide in slides_of(doc).to_py() or []
    ]


def encode_state(doc: Doc[Any]) -> str:
    """The Doc's full state as one base64 Yjs update (what ``collab`` stores)."""
    return base64.b64encode(doc.get_update()).decode("ascii")


def decode_doc(state: str) -> Doc[Any]:
    """A Doc from a base64 Yjs update; ValueError when it is not one."""
    doc: Doc[Any] = Doc()
    try:
        doc.apply_update(base64.b64decode(state, validate=True))
    except Exception as exc:  # pycrdt raises its own errors for a malformed update
        raise ValueError("not a base64 Yjs update") from exc
    return doc
