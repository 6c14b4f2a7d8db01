"""Sheets' event handler: recalculate a workbook after collab persisted changes to it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from nexus_sheets._collab import KIND
from nexus_sheets._workbooks import recalculate_stored

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("SERVER_ACTOR", "recalculate_changed")

# Who the recalculation acts as when the event names no editor: collab's event carries
# the file, its kind and a seq; a later version naming the last editor (``actor``) is used
# as it is.
SERVER_ACTOR = "plugin:sheets"


async def recalculate_changed(event: CloudEvent, ctx: EventContext) -> None:
    """On ``collab.document.changed.v1`` of a workbook, write the formulas' new values."""
    data = event.data if isinstance(event.data, dict) else {}
    if data.get("kind") != KIND or not await ctx.feature_enabled("sheets"):
        return
    await recalculate_stored(
        ctx.conn,
        ctx.services,
        ctx.events,
        file_id=UUID(str(data["file_id"])),
        actor=str(data.get("actor") or SERVER_ACTOR),
    )
