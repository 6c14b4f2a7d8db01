"""Services for files whose content another plugin keeps (the collaborative documents).

``drive.files.access`` answers an actor's role on a file, ``drive.files.create`` adds such
a file and ``drive.files.version`` a new version of it, on a user's behalf.

Each request names the ``actor`` the calling plugin acts for (its route's caller): the
answer is that actor's role, decided by :mod:`nexus_drive._access` as for Drive's own routes.
No role at all answers 404, exactly as a missing file; a role too weak answers 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from nexus_hookspecs import Service

from nexus_drive._access import require, role_of
from nexus_drive._routes_items import place
from nexus_drive._store import add_file, add_version, check_name, free_name, load_item

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

    from nexus_drive._settings import DriveSettings

__all__ = (
    "FILE_SERVICES",
    "FileAccess",
    "FileAccessed",
    "FileCreate",
    "FileCreated",
    "FileVersion",
    "FileVersioned",
)

_Actor = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
_Key = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
_Type = Annotated[str, msgspec.Meta(min_length=1, max_length=255)]


class FileAccess(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``drive.files.access``: the actor's role on a file."""

    file_id: UUID
    actor: _Actor


class FileAccessed(msgspec.Struct, kw_only=True):
    """The answer: ``viewer``, ``commenter``, ``editor`` or ``owner`` (no role is a 404).

    Attributes:
        file_id: The file.
        role: The actor's role on it.
        name: Its name.
        trashed: Whether it is in the trash.
        content_type: Its current version's media type.
        size: Its current version's size in bytes.
        blob_key: The object in the tenant's files store holding the current version (none
            for a folder): a caller reads the content the actor may see with it.
        quarantined: Whether the virus scan quarantined it (do not read it then).
    """

    file_id: UUID
    role: str
    name: str
    trashed: bool
    content_type: str | None = None
    size: int | None = None
    blob_key: str | None = None
    quarantined: bool = False


class FileCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``drive.files.create``.

    Attributes:
        name: The file's name (a free one is taken when it is used: ``Plan (2)``).
        actor: Who creates it: the file goes to their own drive, or to ``folder_id`` where
            they must be an editor.
        folder_id: The folder, or none for the top of the actor's own drive.
        blob_key: The object in the tenant's files store holding the content; it belongs to
            the calling plugin (Drive never deletes it).
        content_type: Its media type.
        size: Its size in bytes.
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    actor: _Actor
    blob_key: _Key
    content_type: _Type
    size: Annotated[int, msgspec.Meta(ge=0)] = 0
    folder_id: UUID | None = None


class FileCreated(msgspec.Struct, kw_only=True):
    """The answer of ``drive.files.create``: the file and its first version."""

    file_id: UUID
    version_id: UUID
    name: str


class FileVersion(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``drive.files.version``: a new current version (the actor edits)."""

    file_id: UUID
    actor: _Actor
    blob_key: _Key
    content_type: _Type
    size: Annotated[int, msgspec.Meta(ge=0)] = 0


class FileVersioned(msgspec.Struct, kw_only=True):
    """The answer of ``drive.files.version``."""

    file_id: UUID
    version_id: UUID


async def access(data: FileAccess, ctx: ServiceContext) -> FileAccessed:
    """The actor's role on the file; 404 when it has none (or the file is not there)."""
    role = await role_of(ctx.conn, data.actor, data.file_id)
    require("view", role=role)
    item = await load_item(ctx.conn, data.file_id)
    assert role is not None  # require answered 404 otherwise
    blob_key: str | None = None
    if item["version_id"] is not None:
        blob_key = await ctx.conn.fetchval(
            "select blob_key from drive_version where id = $1", item["version_id"]
        )
    return FileAccessed(
        file_id=data.file_id,
        role=role,
        name=item["name"],
        trashed=item["trashed_at"] is not None,
        content_type=item["content_type"],
        size=item["size"],
        blob_key=blob_key,
        quarantined=item["quarantined_at"] is not None,
    )


async def create(data: FileCreate, ctx: ServiceContext) -> FileCreated:
    """Add the file to the actor's drive (or the folder they may edit)."""
    drive, parent = await place(ctx.conn, data.actor, None, data.folder_id)
    name = await free_name(ctx.conn, drive["id"], parent, check_name(data.name))
    file_id, version_id = await add_file(
        ctx.conn,
        ctx.events,
        drive_id=drive["id"],
        parent_id=parent,
        name=name,
        content_type=data.content_type,
        size=data.size,
        actor=data.actor,
        key=data.blob_key,
    )
    return FileCreated(file_id=file_id, version_id=version_id, name=name)


async def version(data: FileVersion, ctx: ServiceContext) -> FileVersioned:
    """Make a new current version of the file; the actor must be an editor."""
    require("edit", role=await role_of(ctx.conn, data.actor, data.file_id))
    settings: DriveSettings = await ctx.settings()
    item = await load_item(ctx.conn, data.file_id, lock=True)
    version_id = await add_version(
        ctx.conn,
        ctx.events,
        item=item,
        content_type=data.content_type,
        size=data.size,
        actor=data.actor,
        keep=settings.keep_versions,
        key=data.blob_key,
        owned=False,
    )
    return FileVersioned(file_id=data.file_id, version_id=version_id)


FILE_SERVICES = (
    Service(
        name="drive.files.access",
        handler=access,
        request=FileAccess,
        response=FileAccessed,
        description=(
            "The actor's role on a file (viewer, commenter, editor, owner), from its drive "
            "and every share above it, as Drive's routes decide it; 404 when it has none. "
            "With its current version's type, size and object (blob_key), and whether it "
            "is quarantined."
        ),
    ),
    Service(
        name="drive.files.create",
        handler=create,
        request=FileCreate,
        response=FileCreated,
        description=(
            "Adds a file whose content another plugin keeps (blob_key, never deleted by "
            "Drive) to the actor's own drive or a folder they may edit (403/404 otherwise); "
            "drive.file.added.v1 published."
        ),
    ),
    Service(
        name="drive.files.version",
        handler=version,
        request=FileVersion,
        response=FileVersioned,
        description=(
            "Makes a new current version of a file from another plugin's object (the actor "
            "must be an editor: 403, or 404 without a role); drive.file.updated.v1 published."
        ),
    ),
)
