"""The collab plugin's permissions and event type."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = ("DOCUMENT_CHANGED", "READ", "WRITE", "DocumentChanged", "Kind")

READ = "collab.documents:read"
WRITE = "collab.documents:write"

Kind = Literal["writer", "sheets", "slides"]


class DocumentChanged(msgspec.Struct, kw_only=True):
    """Updates of a document were persisted; ``seq`` is the number of the last one.

    ``actor`` is who sent that last update (none when unknown): the one a plugin reacting
    to the change (Sheets recalculating) acts for, since collab checks a Drive role.
    """

    file_id: UUID
    kind: str
    seq: int
    actor: str | None = None


DOCUMENT_CHANGED = EventType(
    type="collab.document.changed.v1",
    payload=DocumentChanged,
    description=(
        "Updates of a collaborative document were persisted (at most one a second per "
        "document; the last update of a burst always gets one, once the second is over): "
        "seq numbers the last of them."
    ),
)
