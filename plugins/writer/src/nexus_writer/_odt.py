"""The ProseMirror JSON as OpenDocument Text, with odfpy.

A picture the export was given is stored in the package (``Pictures/``) and drawn in a
frame as a character of its own paragraph, at 96 dpi and at most the text's 17 cm wide;
any other image is a line naming its Drive file.
"""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, Any

from odf.draw import Frame
from odf.draw import Image as DrawImage
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

from nexus_writer._picture import Picture, placeholder
from nexus_writer._text import runs

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("to_odt",)


_TEXT_WIDTH_CM = 17.0
_CM_PER_PIXEL = 2.54 / 96


class _Styles:
    def __init__(self, doc: OpenDocumentText, pictures: Mapping[str, Picture]) -> None:
        self.doc = doc
        self.pictures = pictures
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
        return _image(node.get("attrs") or {}, styles)
    return None


def _image(attrs: dict[str, Any], styles: _Styles) -> Any:
    picture = styles.pictures.get(str(attrs.get("src") or ""))
    if picture is None:
        return P(text=placeholder(attrs))
    digest = hashlib.sha256(picture.blob).hexdigest()
    href = styles.doc.addPicture(
        f"Pictures/{digest}.{picture.extension}", picture.content_type, picture.blob
    )
    width = picture.width * _CM_PER_PIXEL
    scale = min(1.0, _TEXT_WIDTH_CM / width)
    frame = Frame(
        anchortype="as-char",
        width=f"{width * scale:.3f}cm",
        height=f"{picture.height * _CM_PER_PIXEL * scale:.3f}cm",
        name=str(attrs.get("alt") or digest[:12]),
    )
    frame.addElement(DrawImage(href=href))
    paragraph = P()
    paragraph.addElement(frame)
    return paragraph


def to_odt(document: dict[str, Any], pictures: Mapping[str, Picture] | None = None) -> bytes:
    """The document as an ODT file; ``pictures`` holds the images to embed by Drive file id."""
    doc = OpenDocumentText()
    styles = _Styles(doc, pictures or {})
    for node in document.get("content", []):
        made = _block(node, styles)
        if made is not None:
            doc.text.addElement(made)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()
