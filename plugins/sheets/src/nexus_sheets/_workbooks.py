"""What the routes and the event handler share: recalculate a stored workbook.

The Doc is read whole from collab, recalculated, and only the difference from the state
read (``doc.get_update(state vector)``: the changed values, one transaction) is applied
back. When nothing changed nothing is applied — which is what keeps the handler of
``collab.document.changed.v1`` from triggering itself without end: its own update makes
collab publish the event again, and the second pass finds every value already right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_sheets._collab import apply_update, read_document
from nexus_sheets._keys import RECALCULATED, Recalculated

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, Services

__all__ = ("recalculate_stored",)


async def recalculate_stored(
    conn: Connection,
    services: Services,
    events: EventPublisher,
    *,
    file_id: UUID,
    actor: str,
) -> int:
    """Recalculate the stored workbook; apply and announce the changed values; answer how many."""
    # formulas and numpy load with the first recalculation, not at start-up.
    from nexus_sheets._recalc import recalculate  # noqa: PLC0415

    document = await read_document(conn, services, file_id=file_id, actor=actor)
    before = document.doc.get_state()
    changed = recalculate(document.doc)
    if changed:
        update = document.doc.get_update(before)
        await apply_update(conn, services, file_id=file_id, actor=actor, update=update)
        await events.publish(
            conn,
            type=RECALCULATED.type,
            data=Recalculated(file_id=file_id, changed=changed),
            subject=str(file_id),
        )
    return changed
