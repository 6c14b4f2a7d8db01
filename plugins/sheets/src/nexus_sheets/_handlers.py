"""Sheets' event handler: recalculate a workbook after collab persisted changes to it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import structlog
from litestar.exceptions import NotFoundException, PermissionDeniedException

from nexus_sheets._collab import KIND
from nexus_sheets._workbooks import recalculate_stored

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("recalculate_changed",)

log = structlog.get_logger("nexus_sheets")


async def recalculate_changed(event: CloudEvent, ctx: EventContext) -> None:
    """On ``collab.document.changed.v1`` of a workbook, write the formulas' new values.

    The recalculation acts for the editor whose update the event reports (collab checks
    their Drive role); a change with no known editor, or whose editor may no longer edit
    the file (a role taken away, the file trashed), is left for the next edit.
    """
    data = event.data if isinstance(event.data, dict) else {}
    if data.get("kind") != KIND or not await ctx.feature_enabled("sheets"):
        return
    actor = data.get("actor")
    if not actor:
        log.info("sheets.recalculation_skipped", file_id=data.get("file_id"), reason="no editor")
        return
    try:
        await recalculate_stored(
            ctx.conn, ctx.services, ctx.events, file_id=UUID(str(data["file_id"])), actor=actor
        )
    except (NotFoundException, PermissionDeniedException) as exc:
        log.info("sheets.recalculation_skipped", file_id=data["file_id"], reason=str(exc))
