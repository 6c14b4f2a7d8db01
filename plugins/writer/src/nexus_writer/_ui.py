"""The workspace's screens for Writer: the documents' list, each opened in the Writer editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_hookspecs import UiCard, UiEditor, UiResource, hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("nexus_ui",)


@hookimpl
def nexus_ui(register: Callable[[UiResource | UiCard], None]) -> None:
    """The documents, by name and who made them; "Open in Writer" edits one over collab."""
    register(
        UiResource(
            path="/api/v1/writer/documents",
            label="Documents",
            columns=("name", "created_by"),
            editor=UiEditor(kind="writer", id_field="file_id"),
        )
    )
