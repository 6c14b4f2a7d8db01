"""Slides' permissions and event types."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = ("DECK_CREATED", "READ", "WRITE", "DeckCreated")

READ = "slides.decks:read"
WRITE = "slides.decks:write"


class DeckCreated(msgspec.Struct, kw_only=True):
    """A deck was created, empty or from a PPTX file (``source``)."""

    file_id: UUID
    name: str
    slides: int
    source: Literal["new", "pptx"]


DECK_CREATED = EventType(
    type="slides.deck.created.v1",
    payload=DeckCreated,
    description="A deck was created (empty, or imported from a PPTX file).",
)
