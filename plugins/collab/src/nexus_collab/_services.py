"""The services the editor plugins (writer, sheets, slides) call, in the caller's transaction.

Each request names the ``actor`` the calling plugin acts for (its route's caller): Drive
decides that actor's role on the file. No role answers 404, as a missing document; too weak
a role for ``apply`` answers 403.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from nexus_hookspecs import Service, new_id
from nexus_hookspecs.http import invalid

from nexus_collab import _store as store
from nexus_collab._access import Access, require_editor, role
from nexus_collab._keys import Kind
from nexus_collab._listing import Listing, ListOf, list_documents
from nexus_collab._state import EMPTY_UPDATE, merged

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

__all__ = (
    "SERVICES",
    "Apply",
    "Applied",
    "Create",
    "Created",
    "State",
    "StateOf",
    "content_type",
)

_Actor = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
_Update = Annotated[str, msgspec.Meta(max_length=50_000_000)]


def content_type(kind: str) -> str:
    """The media type of a collaborative document's Drive file."""
    return f"application/vnd.nexus.{kind}+yjs"


class Create(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``collab.documents.create``.

    Attributes:
        name: The Drive file's name.
        kind: Which editor's document it is.
        actor: Who creates it (its route's caller): the file goes to their own drive, or to
            ``folder_id`` where they must be an editor.
        folder_id: A Drive folder, or none.
        state: The initial state, a Yjs update (base64), or none for an empty document.
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    kind: Kind
    actor: _Actor
    folder_id: UUID | None = None
    state: _Update | None = None


class Created(msgspec.Struct, kw_only=True):
    """The answer of ``collab.documents.create``."""

    file_id: UUID


class StateOf(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``collab.documents.state``: the actor must be at least a viewer."""

    file_id: UUID
    actor: _Actor


class State(msgspec.Struct, kw_only=True):
    """The answer: the whole state, ``Y.encodeStateAsUpdate`` in base64, and its last seq."""

    file_id: UUID
    kind: str
    state: str
    seq: int


class Apply(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``collab.documents.apply``: the actor must be an editor."""

    file_id: UUID
    actor: _Actor
    update: _Update


class Applied(msgspec.Struct, kw_only=True):
    """The answer of ``collab.documents.apply``: the update's seq (0 for an empty one)."""

    file_id: UUID
    seq: int


def _update(text: str, field: str) -> bytes:
    try:
        update = base64.b64decode(text, validate=True)
        merged([update])
    except (binascii.Error, ValueError):
        invalid(field, f"{field} is not a base64 Yjs update")
    return update


async def create(data: Create, ctx: ServiceContext) -> Created:
    """Create the Drive file and its document."""
    update = _update(data.state, "state") if data.state is not None else EMPTY_UPDATE
    made = await ctx.services.call(
        ctx.conn,
        "drive.files.create",
        {
            "name": data.name,
            "actor": data.actor,
            "folder_id": str(data.folder_id) if data.folder_id else None,
            "blob_key": f"collab/{new_id()}.yjs",
            "content_type": content_type(data.kind),
            "size": 0,
        },
        result=Created,
    )
    await store.create(
        ctx.conn, file_id=made.file_id, kind=data.kind, state=update, actor=data.actor
    )
    return Created(file_id=made.file_id)


async def state_of(data: StateOf, ctx: ServiceContext) -> State:
    """The document's whole state."""
    await role(ctx.conn, ctx.services, data.file_id, data.actor)
    kind, update, seq = await store.state(ctx.conn, data.file_id)
    encoded = base64.b64encode(update).decode()
    return State(file_id=data.file_id, kind=kind, state=encoded, seq=seq)


async def apply(data: Apply, ctx: ServiceContext) -> Applied:
    """Persist the update; every process's connected clients get it after the commit."""
    update = _update(data.update, "update")
    access: Access = await require_editor(ctx.conn, ctx.services, data.file_id, data.actor)
    await store.document(ctx.conn, access.file_id)
    if update == EMPTY_UPDATE:
        return Applied(file_id=data.file_id, seq=0)
    seq = await store.append(
        ctx.conn,
        ctx.events,
        tenant_id=ctx.tenant_id,
        file_id=data.file_id,
        update=update,
        actor=data.actor,
        origin="service",
    )
    return Applied(file_id=data.file_id, seq=seq)


SERVICES = (
    Service(
        name="collab.documents.create",
        handler=create,
        request=Create,
        response=Created,
        description=(
            "Creates a collaborative document (writer, sheets or slides) as a Drive file in "
            "the actor's drive or a folder they may edit, with an optional initial Yjs state "
            "(base64)."
        ),
    ),
    Service(
        name="collab.documents.state",
        handler=state_of,
        request=StateOf,
        response=State,
        description=(
            "A document's whole state as one Yjs update (base64, Y.encodeStateAsUpdate) and "
            "its last seq; the actor must hold a Drive role on the file (404 otherwise)."
        ),
    ),
    Service(
        name="collab.documents.apply",
        handler=apply,
        request=Apply,
        response=Applied,
        description=(
            "Persists a Yjs update (base64) to a document (the actor must be an editor: 403, "
            "404 without a role); connected clients in every process get it after commit and "
            "collab.document.changed.v1 follows (coalesced to one a second, and always one "
            "after the last)."
        ),
    ),
    Service(
        name="collab.documents.list",
        handler=list_documents,
        request=ListOf,
        response=Listing,
        description=(
            "One page of the documents of a kind (writer, sheets or slides) the actor holds a "
            "Drive role on, newest first, each with its Drive name and the actor's role; "
            "next_cursor continues it."
        ),
    ),
)
