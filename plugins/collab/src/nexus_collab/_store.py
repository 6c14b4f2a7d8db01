"""The collab SQL, on the caller's transaction (row-level security: the caller's tenant).

A document's state is its snapshot plus the updates persisted since (``seq`` numbers them
per document; the document row's lock orders concurrent writers). Compaction folds the
updates into the snapshot. Each persisted update NOTIFYs :data:`CHANNEL` in the writer's
transaction, so every process hears of it once it commits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs.http import not_found

from nexus_collab._keys import DOCUMENT_CHANGED, DocumentChanged
from nexus_collab._state import merged
from nexus_collab._trailing import Trailing

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = (
    "CHANNEL",
    "TRAILING",
    "append",
    "compact",
    "create",
    "document",
    "publish_pending",
    "state",
    "update_since",
)

CHANNEL = "nexus_collab"
"""The LISTEN/NOTIFY channel: ``<tenant> <document> <seq> <origin>`` per update."""

_COALESCE_S = 1.0


async def create(conn: Connection, *, file_id: UUID, kind: str, state: bytes, actor: str) -> None:
    """Record the document of a new Drive file with its initial state."""
    await conn.execute(
        "insert into collab_document (id, kind, snapshot, created_by) values ($1, $2, $3, $4)",
        file_id,
        kind,
        merged([state]),
        actor,
    )


async def document(conn: Connection, file_id: UUID) -> Any:
    """The document's row (without its state), or 404."""
    row = await conn.fetchrow(
        "select id, kind, seq, snapshot_seq, created_by, created_at, updated_at "
        "from collab_document where id = $1",
        file_id,
    )
    if row is None:
        not_found()
    return row


async def state(conn: Connection, file_id: UUID) -> tuple[str, bytes, int]:
    """The document's kind, whole state (snapshot and updates merged) and last seq; or 404."""
    row = await conn.fetchrow(
        "select kind, snapshot, seq from collab_document where id = $1", file_id
    )
    if row is None:
        not_found()
    updates = await conn.fetch(
        "select body from collab_update where document_id = $1 order by seq", file_id
    )
    return row["kind"], merged([row["snapshot"], *(u["body"] for u in updates)]), row["seq"]


async def update_since(conn: Connection, file_id: UUID, seq: int) -> bytes | None:
    """Update ``seq`` of the document; None once compaction folded it into the snapshot."""
    body: bytes | None = await conn.fetchval(
        "select body from collab_update where document_id = $1 and seq = $2", file_id, seq
    )
    return body


async def append(  # noqa: PLR0913 - the update's facts, named
    conn: Connection,
    events: EventPublisher,
    *,
    tenant_id: UUID,
    file_id: UUID,
    update: bytes,
    actor: str | None,
    origin: str,
) -> int:
    """Persist one update, NOTIFY every process, publish the (coalesced) change; its seq."""
    row = await conn.fetchrow(
        "update collab_document set seq = seq + 1, updated_at = now() where id = $1 "
        "returning seq, kind, evented_at is null "
        f"or evented_at < now() - interval '{_COALESCE_S} second' as due",
        file_id,
    )
    if row is None:
        not_found()
    seq: int = row["seq"]
    await conn.execute(
        "insert into collab_update (document_id, seq, body, actor) values ($1, $2, $3, $4)",
        file_id,
        seq,
        update,
        actor,
    )
    await conn.execute("select pg_notify($1, $2)", CHANNEL, f"{tenant_id} {file_id} {seq} {origin}")
    if row["due"]:
        await _changed(conn, events, file_id, row["kind"], seq, actor)
    else:  # inside the window: the timer publishes this change (or a later one) at its end
        TRAILING.arm(tenant_id, file_id, _COALESCE_S)
    return seq


async def publish_pending(conn: Connection, events: EventPublisher, file_id: UUID) -> float | None:
    """Publish the change not yet told of once the window is over, else the seconds left.

    Answers ``None`` when nothing is pending (or it was published now). The row is locked,
    so two processes' timers publish it once.
    """
    row = await conn.fetchrow(
        "select kind, seq, evented_seq, extract(epoch from evented_at + "
        f"interval '{_COALESCE_S} second' - now())::float8 as left_s "
        "from collab_document where id = $1 for update",
        file_id,
    )
    if row is None or row["evented_seq"] >= row["seq"]:
        return None
    if row["left_s"] is not None and row["left_s"] > 0:
        return float(row["left_s"])
    actor: str | None = await conn.fetchval(
        "select actor from collab_update where document_id = $1 and seq = $2", file_id, row["seq"]
    )
    await _changed(conn, events, file_id, row["kind"], row["seq"], actor)
    return None


async def _changed(  # noqa: PLR0913 - the change's facts, named
    conn: Connection,
    events: EventPublisher,
    file_id: UUID,
    kind: str,
    seq: int,
    actor: str | None,
) -> None:
    await conn.execute(
        "update collab_document set evented_seq = $2, evented_at = now() where id = $1",
        file_id,
        seq,
    )
    await events.publish(
        conn,
        type=DOCUMENT_CHANGED.type,
        data=DocumentChanged(file_id=file_id, kind=kind, seq=seq, actor=actor),
        subject=str(file_id),
    )


async def compact(conn: Connection, events: EventPublisher, file_id: UUID) -> int:
    """Fold the document's updates into its snapshot; publish a change not yet told of.

    Answers how many updates it folded. The document row is locked first, so a writer
    waits and its update lands after the snapshot.
    """
    row = await conn.fetchrow(
        "select kind, snapshot, seq, evented_seq from collab_document where id = $1 for update",
        file_id,
    )
    if row is None:
        return 0
    updates = await conn.fetch(
        "select body, actor from collab_update where document_id = $1 and seq <= $2 order by seq",
        file_id,
        row["seq"],
    )
    if updates:
        await conn.execute(
            "update collab_document set snapshot = $2, snapshot_seq = $3 where id = $1",
            file_id,
            merged([row["snapshot"], *(u["body"] for u in updates)]),
            row["seq"],
        )
        await conn.execute(
            "delete from collab_update where document_id = $1 and seq <= $2", file_id, row["seq"]
        )
    if row["evented_seq"] < row["seq"]:
        actor = updates[-1]["actor"] if updates else None
        await _changed(conn, events, file_id, row["kind"], row["seq"], actor)
    return len(updates)


TRAILING = Trailing(publish_pending)
"""The process's trailing-event timers: started by ``nexus_background``, stopped at shutdown."""
