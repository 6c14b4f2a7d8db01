"""Nexus Writer: rich-text documents edited together, imported and exported.

The hook implementations, and nothing else. See README.md for the document model (Tiptap's,
over Yjs), the routes, the formats and how the content lives in the collab plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_writer._drive_import import import_drive_file
from nexus_writer._examples import EXAMPLES
from nexus_writer._keys import READ, WRITE
from nexus_writer._routes import (
    create_document,
    export_document,
    import_document,
    list_documents,
)
from nexus_writer._ui import nexus_ui as nexus_ui  # the workspace's screens

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("nexus_manifest", "nexus_piccolo_app", "nexus_routes", "nexus_ui")

_MEMBERS = ("tenant_admin", "member")


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="writer",
        version="0.1.0",
        title="Writer",
        summary=(
            "Rich-text documents in Drive, edited together in real time (Tiptap/ProseMirror "
            "over Yjs), imported from DOCX and Markdown, exported as DOCX, ODT, Markdown, PDF."
        ),
        hookspecs=">=0.1.7,<0.2",
        requires=("drive", "collab"),
        permissions=(
            Permission(key=READ, description="List and export documents.", roles=_MEMBERS),
            Permission(key=WRITE, description="Create and import documents.", roles=_MEMBERS),
        ),
        tenant_tables=("writer_document",),
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the routes under ``/api/v1/writer/``."""
    for handler in (
        create_document,
        list_documents,
        export_document,
        import_document,
        import_drive_file,
    ):
        register(handler)


@hookimpl
def nexus_piccolo_app() -> str:
    """The writer tables and migrations."""
    return "nexus_writer.piccolo_app"
