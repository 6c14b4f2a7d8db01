"""Nexus Slides: collaborative decks, speaker notes, a present mode, PPTX and PDF.

The hook implementations, and nothing else. See README.md for the document model, the
routes, permissions and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_slides._examples import EXAMPLES
from nexus_slides._keys import DECK_CREATED, READ, WRITE
from nexus_slides._routes import DeckController
from nexus_slides._ui import nexus_ui as nexus_ui  # the workspace's screens

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("nexus_piccolo_app", "nexus_ui", "nexus_manifest", "nexus_routes")

_MEMBERS = ("tenant_admin", "member")


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="slides",
        version="0.1.0",
        title="Slides",
        summary=(
            "Collaborative decks (CRDT documents kept by collab as Drive files): slides with "
            "text, pictures and shapes, speaker notes, a present mode, PPTX import and "
            "export, PDF."
        ),
        hookspecs=">=0.1.7,<0.2",
        permissions=(
            Permission(key=READ, description="Read, present and export decks.", roles=_MEMBERS),
            Permission(key=WRITE, description="Create and import decks.", roles=_MEMBERS),
        ),
        events=(DECK_CREATED,),
        tenant_tables=("slides_deck",),
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the deck routes under ``/api/v1/slides/``."""
    register(DeckController)


@hookimpl
def nexus_piccolo_app() -> str:
    """The slides table and its migration."""
    return "nexus_slides.piccolo_app"
