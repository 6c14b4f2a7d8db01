"""What the route modules share: the caller, rows as bodies, streaming into the store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.exceptions import HTTPException, NotAuthorizedException
from nexus_hookspecs import BlobTooLargeError

from nexus_drive._model import ItemOut
from nexus_drive._quota import too_large
from nexus_drive._store import item_path

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Mapping

    from nexus_hookspecs import BlobStore, Connection, RequestContext

__all__ = ("STREAMED", "actor_of", "item_out", "limited", "store_stream")

STREAMED = 2**62
"""The body limit of the routes that stream a file: Drive's own limits apply instead."""


def actor_of(context: RequestContext) -> str:
    """The caller (``user:<id>``, ``api_key:<id>``); every Drive route has one."""
    if context.actor is None:
        raise NotAuthorizedException("Drive needs an authenticated caller")
    return context.actor


async def item_out(conn: Connection, row: Mapping[str, Any], role: str | None) -> ItemOut:
    """An item row as the API answers it."""
    return ItemOut(
        id=row["id"],
        drive_id=row["drive_id"],
        parent_id=row["parent_id"],
        kind=row["kind"],
        name=row["name"],
        path=await item_path(conn, row["id"]),
        content_type=row["content_type"],
        size=row["size"],
        version_id=row["version_id"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        trashed_at=row["trashed_at"],
        quarantined=row["quarantined_at"] is not None,
        quarantine_reason=row["quarantine_reason"],
        has_thumbnail=row["thumbnail_key"] is not None,
        role=role,
    )


async def limited(chunks: AsyncIterable[bytes], limit: int) -> AsyncIterator[bytes]:
    """Pass ``chunks`` through; answer 413 as soon as more than ``limit`` bytes came."""
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > limit:
            too_large(limit)
        yield chunk


async def store_stream(
    blobs: BlobStore, key: str, chunks: AsyncIterable[bytes], *, content_type: str, limit: int
) -> int:
    """Stream ``chunks`` into the files store under ``key``; answer the size stored.

    Nothing is kept when the stream breaks or goes over ``limit`` (413) or over the store's
    own limit (413 naming it).
    """
    try:
        info = await blobs.put(key, limited(chunks, limit), content_type=content_type)
    except BlobTooLargeError as exc:
        too_large(exc.limit)
    except HTTPException:
        raise
    return info.size
