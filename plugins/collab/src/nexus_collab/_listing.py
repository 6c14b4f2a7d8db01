"""``collab.documents.list``: the documents of one kind an actor may open, newest first.

Collab records every document it creates (``collab_document``, with its kind); Drive decides
who may open which (``drive.files.access``, which also gives the file's current name), so rows
are read in batches and those the actor holds no role on (not shared with them, or gone from
Drive) are passed over. Writer, Sheets and Slides list their documents with it.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads the Structs' annotations
from typing import TYPE_CHECKING, Annotated
from uuid import UUID  # noqa: TC003 - msgspec reads the Structs' annotations

import msgspec
from litestar.exceptions import NotFoundException
from nexus_hookspecs.http import after_id, page_of

from nexus_collab._access import role
from nexus_collab._keys import Kind

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

__all__ = ("Listed", "Listing", "ListOf", "list_documents")

_BATCH = 100


class ListOf(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``collab.documents.list``.

    Attributes:
        kind: Which editor's documents.
        actor: Whose: only the documents they hold a Drive role on.
        cursor: The ``next_cursor`` of the page before (none for the first page).
        limit: The page's size.
    """

    kind: Kind
    actor: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    cursor: str | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=200)] = 50


class Listed(msgspec.Struct, kw_only=True):
    """A document in the list: its Drive file, its name there, who created it and when."""

    file_id: UUID
    name: str
    role: str
    created_by: str
    created_at: datetime


class Listing(msgspec.Struct, kw_only=True):
    """The answer of ``collab.documents.list``: a page, newest first, and its cursor."""

    items: list[Listed]
    next_cursor: str | None = None


async def list_documents(data: ListOf, ctx: ServiceContext) -> Listing:
    """One page of the ``kind`` documents ``actor`` may open, newest first."""
    before = after_id(data.cursor)
    found: list[Listed] = []
    while len(found) <= data.limit:
        rows = await ctx.conn.fetch(
            "select id, created_by, created_at from collab_document "
            "where kind = $1 and ($2::uuid is null or id < $2) order by id desc limit $3",
            data.kind,
            before,
            _BATCH,
        )
        for row in rows:
            try:
                access = await role(ctx.conn, ctx.services, row["id"], data.actor)
            except NotFoundException:
                continue
            found.append(
                Listed(
                    file_id=row["id"],
                    name=access.name,
                    role=access.role,
                    created_by=row["created_by"],
                    created_at=row["created_at"],
                )
            )
            if len(found) > data.limit:
                break
        if len(rows) < _BATCH:
            break
        before = rows[-1]["id"]
    page = page_of(found, data.limit, id_of=lambda item: item.file_id)
    return Listing(items=page.items, next_cursor=page.next_cursor)
