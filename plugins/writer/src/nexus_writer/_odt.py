"""The ProseMirror JSON as OpenDocument Text, with odfpy."""

from __future__ import annotations

import io
from typing import Any

from odf.opendocument import OpenDocumentText
from odf.style import Style, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import (
    A,
    H,
    List,
    ListItem,
    ListLevelStyleBullet,
    ListLevelStyleNumber,
    ListStyle,
    P,
    Span,
)

from nexus_writer._text import runs

__all__ = ("to_odt",)


class _Styles:
    def __init__(self, doc: OpenDocumentText) -> None:
        self.bold = Style(name="Bold", family="text")
        self.bold.addElement(TextProperties(fontweight="bold"))
        self.italic = Style(name="Italic", family="text")
        self.italic.addElement(TextProperties(fontstyle="italic"))
        self.both = Style(name="BoldItalic", family="text")
        self.both.addElement(TextProperties(fontweight="bold", fontstyle="italic"))
        # Named list styles, so a reader (Writer's import too) tells numbered from bulleted.
        self.bullets = ListStyle(name="Bullets")
        self.bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
        self.numbers = ListStyle(name="Numbers")
        self.numbers.addElement(ListLevelStyleNumber(level=1, numformat="1", numsuffix="."))
        for style in (self.bold, self.italic, self.both, self.bullets, self.numbers):
            doc.automaticstyles.addElement(style)


def _fill(element: Any, node: dict[str, Any], styles: _Styles) -> Any:
    for run in runs(node):
        style = (
            styles.both
            if run.bold and run.italic
            else styles.bold
            if run.bold
            else styles.italic
            if run.italic
            else None
        )
        part: Any = Span(stylename=style, text=run.text) if style else None
        if run.href:
            link = A(href=run.href, type="simple")
            if part is not None:
                link.addElement(part)
            else:
                link.addText(run.text)
            element.addElement(link)
        elif part is not None:
            element.addElement(part)
        else:
            element.addText(run.text)
    return element


def _block(node: dict[str, Any], styles: _Styles) -> Any:
    kind = node.get("type")
    content = node.get("content", [])
    if kind == "heading":
        level = int((node.get("attrs") or {}).get("level", 1))
        return _fill(H(outlinelevel=level), node, styles)
    if kind == "paragraph":
        return _fill(P(), node, styles)
    if kind in ("bulletList", "orderedList"):
        made = List(stylename=styles.numbers if kind == "orderedList" else styles.bullets)
        for item in content:
            entry = ListItem()
            for child in item.get("content", []):
                entry.addElement(_fill(P(), child, styles))
            made.addElement(entry)
        return made
    if kind == "table":
        width = max((len(row.get("content", [])) for row in content), default=0)
        table = Table()
        table.addElement(TableColumn(numbercolumnsrepeated=max(width, 1)))
        for row in content:
            made_row = TableRow()
            for cell in row.get("content", []):
                made_cell = TableCell()
                for child in cell.get("content", []):
                    made_cell.addElement(_fill(P(), child, styles))
                made_row.addElement(made_cell)
            table.addElement(made_row)
        return table
    if kind == "image":
        attrs = node.get("attrs") or {}
        return P(text=f"[{attrs.get('alt') or 'image'}: Drive file {attrs.get('src', '')}]")
    return None


def to_odt(document: dict[str, Any]) -> bytes:
    """The document as an ODT file."""
    doc = OpenDocumentText()
    styles = _Styles(doc)
    for node in document.get("content", []):
        made = _block(node, styles)
        if made is not None:
            doc.text.addElement(made)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()
