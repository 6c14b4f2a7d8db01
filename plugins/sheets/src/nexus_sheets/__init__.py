"""Nexus Sheets: collaborative workbooks, formulas recalculated on the server.

The hook implementations, and nothing else. See README.md for the document model, the
routes, permissions, events and how recalculation follows an edit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_sheets._examples import EXAMPLES
from nexus_sheets._handlers import recalculate_changed
from nexus_sheets._keys import READ, RECALCULATED, WORKBOOK_CREATED, WRITE
from nexus_sheets._routes import WorkbookController
from nexus_sheets._ui import nexus_ui as nexus_ui  # the workspace's screens

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "nexus_piccolo_app",
    "nexus_ui",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_routes",
)

_MEMBERS = ("tenant_admin", "member")


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="sheets",
        version="0.1.0",
        title="Sheets",
        summary=(
            "Collaborative workbooks (CRDT documents kept by collab as Drive files): several "
            "sheets, cell formats, formulas recalculated on the server after every change, "
            "charts, XLSX and CSV import and export, PDF."
        ),
        hookspecs=">=0.1.7,<0.2",
        permissions=(
            Permission(key=READ, description="Read and export workbooks.", roles=_MEMBERS),
            Permission(
                key=WRITE, description="Create, import and recalculate workbooks.", roles=_MEMBERS
            ),
        ),
        events=(WORKBOOK_CREATED, RECALCULATED),
        tenant_tables=("sheets_workbook",),
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the workbook routes under ``/api/v1/sheets/``."""
    register(WorkbookController)


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Recalculate a workbook after collab persisted changes to it."""
    register("collab.document.changed.v1", recalculate_changed)


@hookimpl
def nexus_piccolo_app() -> str:
    """The sheets table and its migration."""
    return "nexus_sheets.piccolo_app"
