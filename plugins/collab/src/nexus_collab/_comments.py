"""Comments on a document, anchored to a range, with replies and resolve.

A range is two Yjs relative positions (``Y.createRelativePositionFromTypeIndex``, encoded
with ``Y.encodeRelativePosition``, base64), which keep pointing at the same text while
others edit; ``quote`` is the text the range covered when the comment was made. A reply
names its comment (``parent_id``) and has no range. Commenting needs Drive's ``commenter``
role (or stronger) on the file; reading, any role; resolving, the author or an editor.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime  # noqa: TC003 - msgspec reads the Structs' annotations
from typing import Annotated, Any
from uuid import UUID  # noqa: TC003 - Litestar and msgspec read the annotations

import msgspec
from litestar import get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Context, Db, Services, conflict, invalid, not_found, route_opt

from nexus_collab import _store as store
from nexus_collab._access import EDITORS, role
from nexus_collab._examples import body
from nexus_collab._keys import READ, WRITE

__all__ = ("add_comment", "list_comments", "resolve_comment")

_COMMENTERS = frozenset({"commenter", *EDITORS})
_Anchor = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
_COLUMNS = (
    "id, document_id, parent_id, anchor_start, anchor_end, quote, body, author, created_at, "
    "resolved_at, resolved_by"
)


class CommentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A comment on a range (``anchor_start``/``anchor_end``), or a reply (``parent_id``)."""

    body: Annotated[str, msgspec.Meta(min_length=1, max_length=10000)]
    anchor_start: _Anchor | None = None
    anchor_end: _Anchor | None = None
    quote: Annotated[str, msgspec.Meta(max_length=10000)] | None = None
    parent_id: UUID | None = None


class CommentOut(msgspec.Struct, kw_only=True):
    """A comment or a reply."""

    id: UUID
    document_id: UUID
    parent_id: UUID | None
    anchor_start: str | None
    anchor_end: str | None
    quote: str | None
    body: str
    author: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None


def _check_anchor(value: str | None, field: str) -> None:
    if value is None:
        return
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        invalid(field, f"{field} is not a base64 Yjs relative position")


def _actor(context: Context) -> str:
    if context.actor is None:  # pragma: no cover - the gate admits only principals
        raise PermissionDeniedException("no actor")
    return context.actor


async def _role(conn: Any, services: Services, file_id: UUID, actor: str) -> str:
    access = await role(conn, services, file_id, actor)
    await store.document(conn, file_id)
    return access.role


@post(
    "/{file_id:uuid}/comments",
    opt=route_opt(permission=WRITE),
    summary="Comment on a range of the document, or reply to a comment",
)
async def add_comment(
    file_id: FromPath[UUID],
    data: Annotated[CommentIn, body("POST /{file_id}/comments", "A comment on a range")],
    db: Db,
    services: Services,
    context: Context,
) -> CommentOut:
    """A new comment (Drive's commenter role or stronger on the file)."""
    actor = _actor(context)
    _check_anchor(data.anchor_start, "anchor_start")
    _check_anchor(data.anchor_end, "anchor_end")
    if data.parent_id is None and (data.anchor_start is None or data.anchor_end is None):
        invalid("anchor_start", "a comment needs its range (anchor_start and anchor_end)")
    async with db.transaction() as conn:
        if await _role(conn, services, file_id, actor) not in _COMMENTERS:
            raise PermissionDeniedException("your role on the file does not allow to comment")
        if data.parent_id is not None:
            parent = await conn.fetchrow(
                "select parent_id from collab_comment where id = $1 and document_id = $2",
                data.parent_id,
                file_id,
            )
            if parent is None:
                invalid("parent_id", "no such comment on this document")
            if parent["parent_id"] is not None:
                conflict("a reply answers a comment, not another reply")
        row = await conn.fetchrow(
            "insert into collab_comment (id, document_id, parent_id, anchor_start, anchor_end, "
            f"quote, body, author) values ($1, $2, $3, $4, $5, $6, $7, $8) returning {_COLUMNS}",
            new_id(),
            file_id,
            data.parent_id,
            None if data.parent_id else data.anchor_start,
            None if data.parent_id else data.anchor_end,
            data.quote,
            data.body,
            actor,
        )
    return msgspec.convert(dict(row or {}), CommentOut)


@get("/{file_id:uuid}/comments", opt=route_opt(permission=READ))
async def list_comments(
    file_id: FromPath[UUID], db: Db, services: Services, context: Context
) -> list[CommentOut]:
    """The document's comments and replies, oldest first (any Drive role on the file)."""
    async with db.transaction() as conn:
        await _role(conn, services, file_id, _actor(context))
        rows = await conn.fetch(
            f"select {_COLUMNS} from collab_comment where document_id = $1 order by id", file_id
        )
    return [msgspec.convert(dict(row), CommentOut) for row in rows]


@post(
    "/{file_id:uuid}/comments/{comment_id:uuid}/resolve",
    opt=route_opt(permission=WRITE),
    status_code=200,
)
async def resolve_comment(
    file_id: FromPath[UUID],
    comment_id: FromPath[UUID],
    db: Db,
    services: Services,
    context: Context,
) -> CommentOut:
    """Resolve a comment (its author, or an editor of the file); resolving twice keeps the first."""
    actor = _actor(context)
    async with db.transaction() as conn:
        held = await _role(conn, services, file_id, actor)
        row = await conn.fetchrow(
            "select author, parent_id from collab_comment where id = $1 and document_id = $2 "
            "for update",
            comment_id,
            file_id,
        )
        if row is None:
            not_found()
        if row["parent_id"] is not None:
            conflict("a reply is resolved with its comment")
        if row["author"] != actor and held not in EDITORS:
            raise PermissionDeniedException("only its author or an editor resolves a comment")
        done = await conn.fetchrow(
            "update collab_comment set resolved_at = coalesce(resolved_at, now()), "
            "resolved_by = coalesce(resolved_by, $2) where id = $1 "
            f"returning {_COLUMNS}",
            comment_id,
            actor,
        )
    return msgspec.convert(dict(done or {}), CommentOut)
