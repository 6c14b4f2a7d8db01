"""Named versions: the document's state saved as a Drive file version, and restored.

Saving writes the state (one Yjs update) to the tenant's files store, then, in one
transaction, adds it as the Drive file's new current version (``drive.files.version``) and
records it here. Restoring is a new edit — Yjs cannot go back in history — that replaces the
document's content with the version's (each root its kind's editor keeps: Writer's
XmlFragment ``default``, Sheets' Array ``sheets``, Slides' Map ``deck`` and Array
``slides``); every connected client receives it, and the result is saved as a new version
naming the one it restored.
"""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads the Structs' annotations
from typing import Annotated
from uuid import UUID  # noqa: TC003 - Litestar and msgspec read the annotations

import msgspec
from litestar import get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Db,
    Events,
    Services,
    TenantBlobs,
    not_found,
    route_opt,
)

from nexus_collab import _store as store
from nexus_collab._access import require_editor, role
from nexus_collab._examples import body
from nexus_collab._keys import READ, WRITE
from nexus_collab._services import content_type
from nexus_collab._state import restoring

__all__ = ("list_versions", "restore_version", "save_version")

_COLUMNS = "id, document_id, name, seq, drive_version_id, restored_from, created_by, created_at"


class VersionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A name for the version."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class VersionOut(msgspec.Struct, kw_only=True):
    """A named version; ``drive_version_id`` is the Drive file version holding it."""

    id: UUID
    document_id: UUID
    name: str
    seq: int
    drive_version_id: UUID
    restored_from: UUID | None
    created_by: str
    created_at: datetime


class _Versioned(msgspec.Struct, kw_only=True):
    version_id: UUID


def _actor(context: Context) -> str:
    if context.actor is None:  # pragma: no cover - the gate admits only principals
        raise PermissionDeniedException("no actor")
    return context.actor


async def _save(  # noqa: PLR0913 - what a saved version is made of, named
    *,
    db: Db,
    services: Services,
    blobs: TenantBlobs,
    file_id: UUID,
    actor: str,
    name: str,
    restored_from: UUID | None = None,
) -> VersionOut:
    async with db.transaction() as conn:
        await require_editor(conn, services, file_id, actor)
        kind, state, seq = await store.state(conn, file_id)
    version_id = new_id()
    key = f"collab/{file_id}/{version_id}.yjs"
    # The object first: a failed transaction leaves an unreferenced object, never a version
    # without its object.
    info = await blobs.put(key, state, content_type=content_type(kind))
    async with db.transaction() as conn:
        versioned = await services.call(
            conn,
            "drive.files.version",
            {
                "file_id": str(file_id),
                "actor": actor,
                "blob_key": key,
                "content_type": content_type(kind),
                "size": info.size,
            },
            result=_Versioned,
        )
        row = await conn.fetchrow(
            "insert into collab_version (id, document_id, name, seq, blob_key, "
            "drive_version_id, restored_from, created_by) "
            f"values ($1, $2, $3, $4, $5, $6, $7, $8) returning {_COLUMNS}",
            version_id,
            file_id,
            name,
            seq,
            key,
            versioned.version_id,
            restored_from,
            actor,
        )
    return msgspec.convert(dict(row or {}), VersionOut)


@post("/{file_id:uuid}/versions", opt=route_opt(permission=WRITE))
async def save_version(
    file_id: FromPath[UUID],
    data: Annotated[VersionIn, body("POST /{file_id}/versions", "A named version")],
    db: Db,
    services: Services,
    blobs: TenantBlobs,
    context: Context,
) -> VersionOut:
    """Save the document's state as a named version (an editor of the file)."""
    return await _save(
        db=db,
        services=services,
        blobs=blobs,
        file_id=file_id,
        actor=_actor(context),
        name=data.name,
    )


@get("/{file_id:uuid}/versions", opt=route_opt(permission=READ))
async def list_versions(
    file_id: FromPath[UUID], db: Db, services: Services, context: Context
) -> list[VersionOut]:
    """The document's named versions, newest first (any Drive role on the file)."""
    async with db.transaction() as conn:
        await role(conn, services, file_id, _actor(context))
        rows = await conn.fetch(
            f"select {_COLUMNS} from collab_version where document_id = $1 order by id desc",
            file_id,
        )
    return [msgspec.convert(dict(row), VersionOut) for row in rows]


@post(
    "/{file_id:uuid}/versions/{version_id:uuid}/restore",
    opt=route_opt(permission=WRITE),
    status_code=201,
)
async def restore_version(  # noqa: PLR0913 - the ports a route handler is given
    file_id: FromPath[UUID],
    version_id: FromPath[UUID],
    db: Db,
    events: Events,
    services: Services,
    blobs: TenantBlobs,
    context: Context,
) -> VersionOut:
    """Make the version's content the document's again, as a new edit and a new version."""
    actor, tenant_id = _actor(context), context.tenant_id
    assert tenant_id is not None  # the gate admits only a tenant's principals here
    async with db.transaction() as conn:
        await require_editor(conn, services, file_id, actor)
        version = await conn.fetchrow(
            "select name, blob_key from collab_version where id = $1 and document_id = $2",
            version_id,
            file_id,
        )
        if version is None:
            not_found()
        kind = (await store.document(conn, file_id))["kind"]
    old = await blobs.get(version["blob_key"])
    async with db.transaction() as conn:
        await require_editor(conn, services, file_id, actor)
        _, current, _ = await store.state(conn, file_id)
        await store.append(
            conn,
            events,
            tenant_id=tenant_id,
            file_id=file_id,
            update=restoring(current, old, kind),
            actor=actor,
            origin="restore",  # not a room's: every process applies it, this one's too
        )
    return await _save(
        db=db,
        services=services,
        blobs=blobs,
        file_id=file_id,
        actor=actor,
        name=f"Restored: {version['name']}"[:200],
        restored_from=version_id,
    )
