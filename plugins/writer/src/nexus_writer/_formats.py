"""The formats Writer exports and imports, by name: media type, converters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from nexus_writer._docx import from_docx, to_docx
from nexus_writer._markdown import from_markdown, to_markdown
from nexus_writer._odt import to_odt
from nexus_writer._odt_in import from_odt
from nexus_writer._pdf import to_pdf

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("EXPORTS", "IMPORTS", "ExportFormat", "Format")

ExportFormat = Literal["docx", "odt", "md", "pdf"]


class Format(NamedTuple):
    """A file format: its media type and extension."""

    media_type: str
    extension: str


def _md_in(data: bytes) -> dict[str, Any]:
    return from_markdown(data.decode("utf-8-sig"))


EXPORTS: dict[str, tuple[Format, Callable[[dict[str, Any]], bytes]]] = {
    "docx": (
        Format("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        to_docx,
    ),
    "odt": (Format("application/vnd.oasis.opendocument.text", "odt"), to_odt),
    "md": (Format("text/markdown; charset=utf-8", "md"), lambda doc: to_markdown(doc).encode()),
    "pdf": (Format("application/pdf", "pdf"), to_pdf),
}

IMPORTS: dict[str, Callable[[bytes], dict[str, Any]]] = {
    "docx": from_docx,
    "odt": from_odt,
    "md": _md_in,
    "markdown": _md_in,
}
"""By file extension: DOCX, ODT and Markdown."""
