"""DOCX to and from the ProseMirror JSON, with python-docx.

Headings are Word's "Heading N" styles, lists its "List Bullet" and "List Number" styles,
tables plain grids; links are real hyperlinks (a relationship and a ``w:hyperlink`` run, as
python-docx has no call for them). An image is embedded when the export was given its
picture (one the caller may see in Drive), at most the text width wide, its ``alt`` as the
picture's description; otherwise a line names its Drive file. Import reads pictures back as
image nodes whose ``src`` is ``sha256:<digest>`` (``docx_pictures`` gives their bytes).
"""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.hyperlink import Hyperlink

from nexus_writer._picture import PENDING, Picture, placeholder, read_picture
from nexus_writer._text import Run, runs

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from docx.document import Document
    from docx.text.paragraph import Paragraph

__all__ = ("docx_pictures", "from_docx", "to_docx")


def _link(paragraph: Paragraph, run: Run) -> None:
    part = paragraph.part
    rel = part.relate_to(run.href or "", RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    r = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    for flag, tag in ((run.bold, "w:b"), (run.italic, "w:i")):
        if flag:
            props.append(OxmlElement(tag))
    r.append(props)
    text = OxmlElement("w:t")
    text.text = run.text
    text.set(qn("xml:space"), "preserve")
    r.append(text)
    link.append(r)
    paragraph._p.append(link)  # noqa: SLF001 - python-docx has no hyperlink API


def _fill(paragraph: Paragraph, node: dict[str, Any]) -> None:
    for run in runs(node):
        if run.href:
            _link(paragraph, run)
            continue
        made = paragraph.add_run(run.text)
        made.bold = run.bold or None
        made.italic = run.italic or None


def _picture(document: Document, attrs: dict[str, Any], picture: Picture | None) -> None:
    if picture is None:
        document.add_paragraph(placeholder(attrs))
        return
    shape = document.add_picture(io.BytesIO(picture.blob))
    section = document.sections[-1]
    room = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    if room > 0 and shape.width > room:  # never wider than the text
        shape.height = int(shape.height * room / shape.width)
        shape.width = room
    shape._inline.docPr.set("descr", str(attrs.get("alt") or ""))  # noqa: SLF001 - alt text


def _block(
    document: Document,
    node: dict[str, Any],
    pictures: Mapping[str, Picture],
    list_style: str | None = None,
) -> None:
    kind = node.get("type")
    if kind == "heading":
        level = int((node.get("attrs") or {}).get("level", 1))
        _fill(document.add_heading("", level=min(max(level, 1), 9)), node)
    elif kind == "paragraph":
        _fill(document.add_paragraph(style=list_style), node)
    elif kind in ("bulletList", "orderedList"):
        style = "List Bullet" if kind == "bulletList" else "List Number"
        for item in node.get("content", []):
            for child in item.get("content", []):
                _block(document, child, pictures, style)
    elif kind == "table":
        rows = node.get("content", [])
        width = max((len(row.get("content", [])) for row in rows), default=0)
        if not rows or not width:
            return
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, cell in enumerate(row.get("content", [])):
                paragraphs = cell.get("content", [])
                target = table.cell(r, c)
                for i, child in enumerate(paragraphs):
                    paragraph = target.paragraphs[0] if i == 0 else target.add_paragraph()
                    _fill(paragraph, child)
    elif kind == "image":
        attrs = node.get("attrs") or {}
        _picture(document, attrs, pictures.get(str(attrs.get("src") or "")))


def to_docx(document: dict[str, Any], pictures: Mapping[str, Picture] | None = None) -> bytes:
    """The document as a DOCX file; ``pictures`` holds the images to embed by Drive file id."""
    out = docx.Document()
    for node in document.get("content", []):
        _block(out, node, pictures or {})
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _runs(paragraph: Paragraph) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in paragraph.iter_inner_content():
        href = item.address if isinstance(item, Hyperlink) else None
        inner = item.runs if isinstance(item, Hyperlink) else [item]
        for run in inner:
            if not run.text:
                continue
            marks: list[dict[str, Any]] = []
            if run.bold:
                marks.append({"type": "bold"})
            if run.italic:
                marks.append({"type": "italic"})
            if href:
                marks.append({"type": "link", "attrs": {"href": href}})
            out.append({"type": "text", "text": run.text, **({"marks": marks} if marks else {})})
    return out


def _paragraph(paragraph: Paragraph) -> tuple[str, dict[str, Any]]:
    """What a DOCX paragraph is (``heading``, ``bullet``, ``number``, ``paragraph``), as JSON."""
    style = paragraph.style.name if paragraph.style is not None else ""
    content = _runs(paragraph)
    body: dict[str, Any] = {"type": "paragraph", **({"content": content} if content else {})}
    if style.startswith("Heading ") and style[8:].isdigit():
        return "heading", {**body, "type": "heading", "attrs": {"level": int(style[8:])}}
    if style.startswith("Title"):
        return "heading", {**body, "type": "heading", "attrs": {"level": 1}}
    if style.startswith("List Bullet"):
        return "bullet", body
    if style.startswith("List Number"):
        return "number", body
    return "paragraph", body


def _drawings(paragraph: Paragraph) -> Iterator[tuple[str, Picture]]:
    """The paragraph's pictures (PNG, JPEG, GIF): their alt text and bytes."""
    for drawing in paragraph._p.xpath(".//w:drawing"):  # noqa: SLF001 - no picture API
        for rel in drawing.xpath(".//a:blip/@r:embed"):
            part = paragraph.part.related_parts.get(str(rel))
            picture = read_picture(part.blob) if part is not None else None
            if picture is not None:
                alt = drawing.xpath(".//wp:docPr/@descr")
                yield (str(alt[0]) if alt else ""), picture


def _image_nodes(paragraph: Paragraph) -> list[dict[str, Any]]:
    return [
        {
            "type": "image",
            "attrs": {"src": PENDING + hashlib.sha256(picture.blob).hexdigest(), "alt": alt},
        }
        for alt, picture in _drawings(paragraph)
    ]


def docx_pictures(data: bytes) -> dict[str, Picture]:
    """The pictures of a DOCX file's body paragraphs, by their bytes' SHA-256."""
    source = docx.Document(io.BytesIO(data))
    return {
        hashlib.sha256(picture.blob).hexdigest(): picture
        for paragraph in source.paragraphs
        for _, picture in _drawings(paragraph)
    }


def from_docx(data: bytes) -> dict[str, Any]:
    """The ProseMirror JSON of a DOCX file (headings, lists, tables, text with its marks).

    Pictures in body paragraphs follow their paragraph as image nodes naming their digest.
    """
    source = docx.Document(io.BytesIO(data))
    content: list[dict[str, Any]] = []
    for block in source.iter_inner_content():
        if hasattr(block, "rows"):
            rows = []
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    paragraphs = [_paragraph(p)[1] for p in cell.paragraphs] or [
                        {"type": "paragraph"}
                    ]
                    cells.append({"type": "tableCell", "content": paragraphs})
                rows.append({"type": "tableRow", "content": cells})
            content.append({"type": "table", "content": rows})
            continue
        kind, node = _paragraph(block)
        if kind in ("bullet", "number"):
            list_type = "bulletList" if kind == "bullet" else "orderedList"
            if not content or content[-1]["type"] != list_type:
                content.append({"type": list_type, "content": []})
            content[-1]["content"].append({"type": "listItem", "content": [node]})
        elif kind == "heading" or node.get("content"):
            content.append(node)
        content.extend(_image_nodes(block))
    return {"type": "doc", "content": content}
