"""The workspace's screens for Sheets: the workbooks' list, each opened in the Sheets editor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_hookspecs import UiCard, UiEditor, UiResource, hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("nexus_ui",)


@hookimpl
def nexus_ui(register: Callable[[UiResource | UiCard], None]) -> None:
    """The workbooks, by name, who made them and when; opened and edited over collab."""
    register(
        UiResource(
            path="/api/v1/sheets/workbooks",
            label="Workbooks",
            columns=("name", "created_by", "created_at"),
            editor=UiEditor(kind="sheets"),
        )
    )
