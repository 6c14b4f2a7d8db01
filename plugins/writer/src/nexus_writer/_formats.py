"""The formats Writer exports and imports, by name: media type, converters.

Each converter's module (python-docx, odfpy, fpdf2, markdown-it: about a second together)
is imported with its first use, not at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from nexus_writer._picture import Picture

__all__ = ("EXPORTS", "IMPORTS", "ExportFormat", "Format")

ExportFormat = Literal["docx", "odt", "md", "pdf"]


class Format(NamedTuple):
    """A file format: its media type and extension."""

    media_type: str
    extension: str


def _later(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported on its first call."""

    def call(*args: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args)

    return call


to_docx = _later("nexus_writer._docx", "to_docx")
from_docx = _later("nexus_writer._docx", "from_docx")
to_odt = _later("nexus_writer._odt", "to_odt")
to_pdf = _later("nexus_writer._pdf", "to_pdf")
to_markdown = _later("nexus_writer._markdown", "to_markdown")
from_markdown = _later("nexus_writer._markdown", "from_markdown")
from_odt = _later("nexus_writer._odt_in", "from_odt")


def _md_in(data: bytes) -> dict[str, Any]:
    result: dict[str, Any] = from_markdown(data.decode("utf-8-sig"))
    return result


EXPORTS: dict[str, tuple[Format, Callable[[dict[str, Any], Mapping[str, Picture]], bytes]]] = {
    "docx": (
        Format("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        to_docx,
    ),
    "odt": (Format("application/vnd.oasis.opendocument.text", "odt"), to_odt),
    "md": (
        Format("text/markdown; charset=utf-8", "md"),
        lambda doc, _pictures: to_markdown(doc).encode(),
    ),
    "pdf": (Format("application/pdf", "pdf"), to_pdf),
}
"""By name: the media type, and the converter of a document and its pictures (by Drive id)."""

IMPORTS: dict[str, Callable[[bytes], dict[str, Any]]] = {
    "docx": from_docx,
    "odt": from_odt,
    "md": _md_in,
    "markdown": _md_in,
}
"""By file extension: DOCX, ODT and Markdown."""
