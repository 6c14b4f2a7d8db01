"""Text and previews from a file's content: what search indexes and what lists show.

Text comes from PDF (pypdf), DOCX (python-docx), XLSX (openpyxl), PPTX (python-pptx) and
plain text; previews are PNG thumbnails of images (Pillow) and of a PDF's first page
(pypdfium2). Each works on a file on disk (the version streamed there first), in a worker
thread; a file it cannot read gives no text or no preview, never an error.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("MAX_TEXT", "THUMBNAIL_SIZE", "extract_text", "thumbnail")

MAX_TEXT = 200_000
"""Characters of text kept per file (PostgreSQL's tsvector holds at most 1 MB)."""

THUMBNAIL_SIZE = (256, 256)

_log = structlog.get_logger("nexus_drive.extract")

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/csv")
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _kind(content_type: str, name: str) -> str | None:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if content_type == "application/pdf" or suffix == "pdf":
        return "pdf"
    if content_type == _DOCX or suffix == "docx":
        return "docx"
    if content_type == _XLSX or suffix == "xlsx":
        return "xlsx"
    if content_type == _PPTX or suffix == "pptx":
        return "pptx"
    if content_type.startswith(_TEXT_TYPES) or suffix in {"txt", "md", "csv", "json", "xml"}:
        return "text"
    return None


def _pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    parts: list[str] = []
    size = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size >= MAX_TEXT:
            break
    return "\n".join(parts)


def _docx(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _xlsx(path: Path) -> str:
    import openpyxl

    with path.open("rb") as file:
        book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        try:
            return _cells(book)
        finally:
            book.close()


def _cells(book: Any) -> str:
    parts: list[str] = []
    size = 0
    for sheet in book.worksheets:
        parts.append(str(sheet.title))
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if value is not None:
                    parts.append(str(value))
                    size += len(parts[-1])
            if size >= MAX_TEXT:
                return " ".join(parts)
    return " ".join(parts)


def _pptx(path: Path) -> str:
    from pptx import Presentation

    deck = Presentation(str(path))
    parts: list[str] = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
    return "\n".join(parts)


def _text(path: Path) -> str:
    with path.open("rb") as file:
        return file.read(MAX_TEXT * 4).decode("utf-8", errors="replace")


_EXTRACTORS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "pptx": _pptx, "text": _text}


def extract_text(path: Path, content_type: str, name: str) -> str | None:
    """The file's text (at most :data:`MAX_TEXT` characters), or ``None`` when it has none."""
    kind = _kind(content_type, name)
    if kind is None:
        return None
    try:
        text = _EXTRACTORS[kind](path)
    except (ValueError, KeyError, OSError, zipfile.BadZipFile, AttributeError, TypeError) as exc:
        _log.info("drive_text_unreadable", kind=kind, error=str(exc))
        return None
    except Exception as exc:  # noqa: BLE001 - a broken file gives no text, whatever the parser raises
        _log.info("drive_text_unreadable", kind=kind, error=repr(exc))
        return None
    text = text.replace("\x00", " ").strip()
    return text[:MAX_TEXT] or None


def thumbnail(path: Path, content_type: str, name: str) -> bytes | None:
    """A PNG preview of an image or of a PDF's first page, or ``None``."""
    from PIL import Image

    try:
        if content_type.startswith("image/"):
            with Image.open(path) as image:
                image.thumbnail(THUMBNAIL_SIZE)
                return _png(image)
        if _kind(content_type, name) == "pdf":
            import pypdfium2

            document = pypdfium2.PdfDocument(str(path))
            try:
                page = document[0]
                width = page.get_width() or 1
                rendered = page.render(scale=THUMBNAIL_SIZE[0] / width).to_pil()
                rendered.thumbnail(THUMBNAIL_SIZE)
                return _png(rendered)
            finally:
                document.close()
    except Exception as exc:  # noqa: BLE001 - a broken file gives no preview, whatever it raises
        _log.info("drive_thumbnail_failed", error=repr(exc))
    return None


def _png(image: object) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG")  # type: ignore[attr-defined]
    return buffer.getvalue()
