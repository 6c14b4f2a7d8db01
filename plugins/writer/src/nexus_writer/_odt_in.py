"""An OpenDocument Text file as ProseMirror JSON, with odfpy (what ``_odt.py`` writes, and more).

Headings (their outline level), paragraphs, bulleted and numbered lists (by their list
style: a numbered level makes an ``orderedList``), tables, and text with bold and italic
(from the spans' styles, automatic or common) and links. Frames, notes and fields are
passed over; a list's nested lists become items of their own.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from odf.namespaces import FONS, STYLENS, TABLENS, TEXTNS, XLINKNS
from odf.opendocument import load
from odf.table import TableRow

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("from_odt",)

_Marks = tuple[bool, bool, str | None]  # bold, italic, href


def _q(node: Any) -> tuple[str, str] | None:
    """An element's (namespace, name); None for a text node."""
    return getattr(node, "qname", None)


class _Styles:
    """The document's text styles (bold, italic) and numbered list styles, by name."""

    def __init__(self, doc: Any) -> None:
        self.text: dict[str, tuple[bool, bool]] = {}
        self.numbered: set[str] = set()
        for container in (doc.styles, doc.automaticstyles):
            for style in container.childNodes:
                name = style.getAttrNS(STYLENS, "name")
                if _q(style) == (STYLENS, "style"):
                    self.text[name] = self._weights(style)
                elif _q(style) == (TEXTNS, "list-style") and self._numbered(style):
                    self.numbered.add(name)

    @staticmethod
    def _numbered(style: Any) -> bool:
        """Whether the list style's first level numbers (deeper ones may differ)."""
        for level in style.childNodes:
            if getattr(level, "getAttrNS", None) and level.getAttrNS(TEXTNS, "level") == "1":
                return _q(level) == (TEXTNS, "list-level-style-number")
        return False

    @staticmethod
    def _weights(style: Any) -> tuple[bool, bool]:
        bold = italic = False
        for props in style.childNodes:
            if _q(props) == (STYLENS, "text-properties"):
                bold = props.getAttrNS(FONS, "font-weight") == "bold"
                italic = props.getAttrNS(FONS, "font-style") == "italic"
        return bold, italic


def _pieces(node: Any, marks: _Marks, styles: _Styles) -> Iterator[tuple[str, _Marks]]:
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            yield str(child.data), marks
        elif _q(child) == (TEXTNS, "span"):
            bold, italic = styles.text.get(child.getAttrNS(TEXTNS, "style-name"), (False, False))
            yield from _pieces(child, (marks[0] or bold, marks[1] or italic, marks[2]), styles)
        elif _q(child) == (TEXTNS, "a"):
            yield from _pieces(
                child, (marks[0], marks[1], child.getAttrNS(XLINKNS, "href")), styles
            )
        elif _q(child) == (TEXTNS, "s"):
            yield " " * int(child.getAttrNS(TEXTNS, "c") or 1), marks
        elif _q(child) == (TEXTNS, "tab"):
            yield "\t", marks


def _inline(node: Any, styles: _Styles) -> list[dict[str, Any]]:
    """The text runs of a paragraph or heading, neighbours with the same marks merged."""
    merged: list[tuple[str, _Marks]] = []
    for text, marks in _pieces(node, (False, False, None), styles):
        if merged and merged[-1][1] == marks:
            merged[-1] = (merged[-1][0] + text, marks)
        elif text:
            merged.append((text, marks))
    out = []
    for text, (bold, italic, href) in merged:
        found: list[dict[str, Any]] = [{"type": "bold"}] if bold else []
        found += [{"type": "italic"}] if italic else []
        found += [{"type": "link", "attrs": {"href": href}}] if href else []
        out.append({"type": "text", "text": text, **({"marks": found} if found else {})})
    return out


def _paragraph(node: Any, styles: _Styles) -> dict[str, Any]:
    content = _inline(node, styles)
    return {"type": "paragraph", **({"content": content} if content else {})}


def _list_items(node: Any, styles: _Styles) -> Iterator[dict[str, Any]]:
    for item in node.childNodes:
        if _q(item) not in ((TEXTNS, "list-item"), (TEXTNS, "list-header")):
            continue
        for child in item.childNodes:
            if _q(child) in ((TEXTNS, "p"), (TEXTNS, "h")):
                yield {"type": "listItem", "content": [_paragraph(child, styles)]}
            elif _q(child) == (TEXTNS, "list"):
                yield from _list_items(child, styles)


def _table(node: Any, styles: _Styles) -> dict[str, Any]:
    rows = []
    for row in node.getElementsByType(TableRow):
        cells = []
        for cell in row.childNodes:
            if _q(cell) != (TABLENS, "table-cell"):
                continue
            paragraphs = [_paragraph(p, styles) for p in cell.childNodes if _q(p) == (TEXTNS, "p")]
            cells.append({"type": "tableCell", "content": paragraphs or [{"type": "paragraph"}]})
        rows.append({"type": "tableRow", "content": cells})
    return {"type": "table", "content": rows}


def _block(node: Any, styles: _Styles) -> dict[str, Any] | None:
    if _q(node) == (TEXTNS, "h"):
        level = int(node.getAttrNS(TEXTNS, "outline-level") or 1)
        content = _inline(node, styles)
        heading = {"type": "heading", "attrs": {"level": min(max(level, 1), 6)}}
        return {**heading, **({"content": content} if content else {})}
    if _q(node) == (TEXTNS, "p"):
        paragraph = _paragraph(node, styles)
        return paragraph if paragraph.get("content") else None
    if _q(node) == (TEXTNS, "list"):
        numbered = node.getAttrNS(TEXTNS, "style-name") in styles.numbered
        items = list(_list_items(node, styles))
        kind = "orderedList" if numbered else "bulletList"
        return {"type": kind, "content": items} if items else None
    if _q(node) == (TABLENS, "table"):
        return _table(node, styles)
    return None


def from_odt(data: bytes) -> dict[str, Any]:
    """The ProseMirror JSON of an ODT file (headings, lists, tables, text with its marks)."""
    doc = load(io.BytesIO(data))
    styles = _Styles(doc)
    content = [made for node in doc.text.childNodes if (made := _block(node, styles))]
    return {"type": "doc", "content": content}
