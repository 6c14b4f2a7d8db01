"""Drives, folders, files, versions and the trash: ``/api/v1/drive/…``.

Every route asks ``_access`` for the caller's role on what it touches; no role answers 404
(as a missing item), a role too weak 403.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Db,
    Events,
    TenantBlobs,
    TenantSettings,
    conflict,
    content_disposition,
    not_found,
    route_opt,
)

from nexus_drive._access import drive_role, require, role_of
from nexus_drive._common import STREAMED, actor_of, item_out, store_stream
from nexus_drive._events import FILE_DELETED, FILE_RESTORED, FILE_TRASHED, FileDeleted, FileTrashed
from nexus_drive._examples import body
from nexus_drive._keys import ADMIN, FILES_READ, FILES_WRITE
from nexus_drive._model import (
    DriveIn,
    DriveOut,
    FolderIn,
    ItemChange,
    ItemOut,
    MemberIn,
    MemberOut,
    VersionOut,
)
from nexus_drive._openapi import NOT_A_FILE, NOT_A_FOLDER, FileOperation
from nexus_drive._quota import Usage, check_quota, check_size, usage
from nexus_drive._settings import DriveSettings
from nexus_drive._store import (
    ITEM_COLUMNS,
    add_file,
    add_version,
    blob_key,
    check_name,
    ensure_user_drive,
    item_path,
    load_item,
    orphan,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

    from nexus_hookspecs import BlobStore, Connection, EventPublisher

__all__ = (
    "DriveController",
    "content_type_of",
    "make_folder",
    "move_item",
    "place",
    "purge",
    "save_file",
    "stream_version",
    "trash_item",
    "ItemController",
    "TrashController",
    "create_folder",
    "drive_usage",
    "upload_file",
)

Settings = TenantSettings[DriveSettings]
_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")

_CODES_404 = {404: "No such item, or not one the caller may see."}


def content_type_of(value: str | None) -> str:
    """A media type from a header (parameters dropped), ``application/octet-stream`` if none."""
    kind = (value or "").split(";", 1)[0].strip().lower()
    return kind if _TYPE.match(kind) else "application/octet-stream"


async def drive_out(conn: Connection, row: Mapping[str, Any], actor: str) -> DriveOut:
    """A drive as the API answers it, with the caller's role and a shared drive's members."""
    members = await conn.fetch(
        "select principal, role from drive_member where drive_id = $1 order by created_at",
        row["id"],
    )
    return DriveOut(
        id=row["id"],
        kind=row["kind"],
        name=row["name"],
        owner=row["owner"],
        role=await drive_role(conn, actor, row["id"]),
        members=[MemberOut(principal=m["principal"], role=m["role"]) for m in members],
    )


async def _drive(conn: Connection, drive_id: UUID) -> Mapping[str, Any]:
    row = await conn.fetchrow(
        "select id, kind, name, owner from drive_drive where id = $1", drive_id
    )
    if row is None:
        not_found()
    return row


async def place(
    conn: Connection, actor: str, drive_id: UUID | None, parent_id: UUID | None
) -> tuple[Mapping[str, Any], UUID | None]:
    """Where something new goes: the drive and folder, checked for ``edit``."""
    if parent_id is not None:
        parent = await load_item(conn, parent_id)
        if parent["kind"] != "folder" or parent["trashed_at"] is not None:
            require("view", role=await role_of(conn, actor, parent_id))
            conflict("the parent is not a folder (or it is in the trash)")
        require("edit", role=await role_of(conn, actor, parent_id))
        return await _drive(conn, parent["drive_id"]), parent_id
    if drive_id is None:
        return await ensure_user_drive(conn, actor), None
    drive = await _drive(conn, drive_id)
    require("edit", role=await drive_role(conn, actor, drive_id))
    return drive, None


class DriveController(Controller):
    """Drives: each user's own, and shared drives per team."""

    path = "/drives"
    tags = ["drive"]  # noqa: RUF012 - Litestar reads it as declared

    @get("/", opt=route_opt(permission=FILES_READ))
    async def list_drives(self, db: Db, context: Context) -> list[DriveOut]:
        """The caller's own drive (made on first use) and the shared drives they belong to."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            mine = await ensure_user_drive(conn, actor)
            rows = await conn.fetch(
                "select distinct d.id, d.kind, d.name, d.owner, d.created_at from drive_drive d "
                "join drive_member m on m.drive_id = d.id "
                "where m.principal = any($1::text[]) order by d.created_at",
                [actor, *await _groups(conn, actor)],
            )
            return [await drive_out(conn, mine, actor)] + [
                await drive_out(conn, row, actor) for row in rows
            ]

    @post(
        "/",
        opt=route_opt(permission=ADMIN),
        status_code=201,
        responses={},
    )
    async def create_drive(
        self,
        db: Db,
        context: Context,
        data: Annotated[DriveIn, body("POST /drives", "A team's drive")],
    ) -> DriveOut:
        """Make a shared drive; the caller is its first owner, with the members given."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            drive_id = new_id()
            await conn.execute(
                "insert into drive_drive (id, kind, name) values ($1, 'shared', $2)",
                drive_id,
                data.name.strip(),
            )
            for member in [MemberIn(principal=actor, role="owner"), *data.members]:
                await _set_member(conn, drive_id, member)
            return await drive_out(conn, await _drive(conn, drive_id), actor)

    @get("/{drive_id:uuid}", opt=route_opt(permission=FILES_READ), responses={})
    async def show_drive(self, drive_id: FromPath[UUID], db: Db, context: Context) -> DriveOut:
        """A drive the caller has a role on (404 otherwise)."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            row = await _drive(conn, drive_id)
            shown = await drive_out(conn, row, actor)
            if shown.role is None:
                not_found()
            return shown

    @get("/{drive_id:uuid}/items", opt=route_opt(permission=FILES_READ))
    async def list_top(self, drive_id: FromPath[UUID], db: Db, context: Context) -> list[ItemOut]:
        """What is at the top of a drive (not in the trash), folders first."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            await _drive(conn, drive_id)
            role = await drive_role(conn, actor, drive_id)
            require("view", role=role)
            rows = await conn.fetch(
                f"select {ITEM_COLUMNS} from drive_item where drive_id = $1 and parent_id is null "
                "and trashed_at is null order by kind desc, lower(name)",
                drive_id,
            )
            return [await item_out(conn, row, role) for row in rows]

    @put("/{drive_id:uuid}/members", opt=route_opt(permission=ADMIN))
    async def set_member(
        self,
        drive_id: FromPath[UUID],
        db: Db,
        context: Context,
        data: Annotated[MemberIn, body("PUT /drives/{drive_id}/members", "A viewer")],
    ) -> DriveOut:
        """Add a member to a shared drive or change their role (admins)."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            drive = await _drive(conn, drive_id)
            if drive["kind"] != "shared":
                conflict("only a shared drive has members; share folders of your own drive")
            await _set_member(conn, drive_id, data)
            return await drive_out(conn, drive, actor)

    @delete(
        "/{drive_id:uuid}/members/{principal:str}",
        opt=route_opt(permission=ADMIN),
        status_code=204,
    )
    async def remove_member(
        self, drive_id: FromPath[UUID], principal: FromPath[str], db: Db, context: Context
    ) -> None:
        """Remove a member from a shared drive (admins; not the last owner of one that has)."""
        del context
        async with db.transaction() as conn:
            await _drive(conn, drive_id)
            had_owner = await conn.fetchval(
                "select exists (select 1 from drive_member where drive_id = $1 and role = 'owner')",
                drive_id,
            )
            await conn.execute(
                "delete from drive_member where drive_id = $1 and principal = $2",
                drive_id,
                principal,
            )
            if had_owner and not await conn.fetchval(
                "select exists (select 1 from drive_member where drive_id = $1 and role = 'owner')",
                drive_id,
            ):
                conflict("a shared drive keeps at least one owner")


async def _groups(conn: Connection, actor: str) -> list[str]:
    rows = await conn.fetch("select id from drive_group where $1 = any(members)", actor)
    return [f"group:{row['id']}" for row in rows]


async def _set_member(conn: Connection, drive_id: UUID, member: MemberIn) -> None:
    await conn.execute(
        "insert into drive_member (id, drive_id, principal, role) values ($1, $2, $3, $4) "
        "on conflict (tenant_id, drive_id, principal) do update set role = excluded.role",
        new_id(),
        drive_id,
        member.principal,
        member.role,
    )


@post("/folders", opt=route_opt(permission=FILES_WRITE), status_code=201, responses={})
async def create_folder(
    db: Db, context: Context, data: Annotated[FolderIn, body("POST /folders", "A folder")]
) -> ItemOut:
    """Make a folder (in the caller's own drive unless ``parent_id`` or ``drive_id`` says).

    409 when the folder already holds something of that name.
    """
    actor = actor_of(context)
    async with db.transaction() as conn:
        folder = await make_folder(conn, actor, data.drive_id, data.parent_id, data.name)
        return await item_out(
            conn, await load_item(conn, folder), await role_of(conn, actor, folder)
        )


async def make_folder(
    conn: Connection, actor: str, drive_id: UUID | None, parent_id: UUID | None, name: str
) -> UUID:
    """Make a folder where the actor may edit; 409 when the name is taken there."""
    name = check_name(name)
    drive, parent = await place(conn, actor, drive_id, parent_id)
    if await _named(conn, drive["id"], parent, name):
        conflict(f"'{name}' already exists here")
    folder = new_id()
    await conn.execute(
        "insert into drive_item (id, drive_id, parent_id, kind, name, created_by) "
        "values ($1, $2, $3, 'folder', $4, $5)",
        folder,
        drive["id"],
        parent,
        name,
        actor,
    )
    return folder


async def _named(
    conn: Connection, drive_id: UUID, parent_id: UUID | None, name: str
) -> Mapping[str, Any] | None:
    return await conn.fetchrow(
        f"select {ITEM_COLUMNS} from drive_item where drive_id = $1 and parent_id is not "
        "distinct from $2 and lower(name) = lower($3) and trashed_at is null",
        drive_id,
        parent_id,
        name,
    )


async def save_file(  # noqa: PLR0913 - where, what and who, named
    *,
    db: Any,
    events: EventPublisher,
    blobs: BlobStore,
    settings: DriveSettings,
    actor: str,
    drive_id: UUID | None,
    parent_id: UUID | None,
    name: str,
    content_type: str,
    chunks: AsyncIterator[bytes],
    declared_size: int | None = None,
) -> Mapping[str, Any]:
    """Store a streamed file as a new file or a new version of the same-named one.

    The bytes go to the files store first (never whole in memory), then one transaction
    checks the quota with the real size and records the file; on any refusal the stored
    object is let go, so nothing half-made remains.
    """
    name = check_name(name)
    if declared_size is not None:
        check_size(settings, declared_size)
    async with db.transaction() as conn:
        drive, parent = await place(conn, actor, drive_id, parent_id)
        existing = await _named(conn, drive["id"], parent, name)
        if existing is not None:
            if existing["kind"] != "file":
                conflict(f"'{name}' is a folder here")
            require("edit", role=await role_of(conn, actor, existing["id"]))
        if declared_size is not None:
            await check_quota(conn, settings, drive, declared_size)
    file_id = existing["id"] if existing is not None else new_id()
    version_id = new_id()
    key = blob_key(file_id, version_id)
    size = await store_stream(
        blobs, key, chunks, content_type=content_type, limit=settings.max_upload_bytes
    )
    try:
        async with db.transaction() as conn:
            await check_quota(conn, settings, drive, size)
            current = await _named(conn, drive["id"], parent, name)
            if current is not None and current["kind"] == "file":
                await add_version(
                    conn,
                    events,
                    item=current,
                    content_type=content_type,
                    size=size,
                    actor=actor,
                    keep=settings.keep_versions,
                    version_id=version_id,
                    key=key,
                    owned=True,
                )
                file_id = current["id"]
            else:
                await add_file(
                    conn,
                    events,
                    drive_id=drive["id"],
                    parent_id=parent,
                    name=name,
                    content_type=content_type,
                    size=size,
                    actor=actor,
                    file_id=file_id,
                    version_id=version_id,
                )
            return await load_item(conn, file_id)
    except BaseException:
        await blobs.delete(key)
        raise


@post(
    "/files",
    opt=route_opt(permission=FILES_WRITE),
    status_code=201,
    request_max_body_size=STREAMED,
    responses={},
)
async def upload_file(  # noqa: PLR0913 - the ports and the query, named
    request: Request[Any, Any, Any],
    db: Db,
    events: Events,
    blobs: TenantBlobs,
    settings: Settings,
    context: Context,
    name: Annotated[str, QueryParameter(min_length=1, max_length=255)],
    parent_id: Annotated[UUID | None, QueryParameter()] = None,
    drive_id: Annotated[UUID | None, QueryParameter()] = None,
) -> ItemOut:
    """Upload a file: the request body is its content, streamed (never whole in memory).

    In the caller's own drive unless ``parent_id`` or ``drive_id`` says; a file of the same
    name there gets a new version. 413 beyond the plan's size (``limit``), 507 beyond a quota
    (``limit``, ``used``, ``needed``). For large files use the resumable ``/uploads`` (tus).
    """
    actor = actor_of(context)
    length = request.headers.get("content-length")
    row = await save_file(
        db=db,
        events=events,
        blobs=blobs,
        settings=settings,
        actor=actor,
        drive_id=drive_id,
        parent_id=parent_id,
        name=name,
        content_type=content_type_of(request.headers.get("content-type")),
        chunks=request.stream(),
        declared_size=int(length) if length and length.isdigit() else None,
    )
    async with db.transaction() as conn:
        return await item_out(conn, row, await role_of(conn, actor, row["id"]))


@get("/usage", opt=route_opt(permission=FILES_READ))
async def drive_usage(db: Db, context: Context, settings: Settings) -> Usage:
    """What the tenant and the caller use and may use, in bytes."""
    async with db.transaction() as conn:
        return await usage(conn, settings, actor_of(context))


class ItemController(Controller):
    """One folder or file: read, change, download, versions, trash."""

    path = "/items"
    tags = ["drive"]  # noqa: RUF012 - Litestar reads it as declared

    @get("/{item_id:uuid}", opt=route_opt(permission=FILES_READ), responses={})
    async def show_item(self, item_id: FromPath[UUID], db: Db, context: Context) -> ItemOut:
        """A folder or file the caller may see."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            row = await load_item(conn, item_id)
            role = await role_of(conn, actor, item_id)
            require("view", role=role)
            return await item_out(conn, row, role)

    @get("/{item_id:uuid}/children", opt=route_opt(permission=FILES_READ), responses=NOT_A_FOLDER)
    async def list_children(
        self, item_id: FromPath[UUID], db: Db, context: Context
    ) -> list[ItemOut]:
        """What a folder holds (not in the trash), folders first."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            folder = await load_item(conn, item_id)
            role = await role_of(conn, actor, item_id)
            require("view", role=role)
            if folder["kind"] != "folder":
                conflict("a file has no children")
            rows = await conn.fetch(
                f"select {ITEM_COLUMNS} from drive_item where parent_id = $1 "
                "and trashed_at is null order by kind desc, lower(name)",
                item_id,
            )
            return [await item_out(conn, row, role) for row in rows]

    @patch("/{item_id:uuid}", opt=route_opt(permission=FILES_WRITE), responses={})
    async def change_item(
        self,
        item_id: FromPath[UUID],
        db: Db,
        context: Context,
        data: Annotated[ItemChange, body("PATCH /items/{item_id}", "A rename")],
    ) -> ItemOut:
        """Rename an item or move it to another folder of its drive (or its top)."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            await move_item(conn, actor, item_id, data.name, data.parent_id, to_top=data.to_top)
            return await item_out(
                conn, await load_item(conn, item_id), await role_of(conn, actor, item_id)
            )

    @delete("/{item_id:uuid}", opt=route_opt(permission=FILES_WRITE), status_code=204)
    async def trash_item(
        self, item_id: FromPath[UUID], db: Db, events: Events, context: Context
    ) -> None:
        """Move an item (a folder with all it holds) to the trash; restorable until purged."""
        async with db.transaction() as conn:
            await trash_item(conn, events, actor_of(context), item_id)

    @post("/{item_id:uuid}/restore", opt=route_opt(permission=FILES_WRITE), status_code=200)
    async def restore_item(
        self, item_id: FromPath[UUID], db: Db, events: Events, context: Context
    ) -> ItemOut:
        """Bring an item (and what was trashed with it) back from the trash.

        409 when its folder is in the trash too, or its name is taken there meanwhile.
        """
        actor = actor_of(context)
        async with db.transaction() as conn:
            row = await load_item(conn, item_id, lock=True)
            require("edit", role=await role_of(conn, actor, item_id))
            if row["trashed_at"] is None:
                conflict("the item is not in the trash")
            if not await _restore(conn, row):
                conflict(f"'{row['name']}' is taken in its folder; rename that first")
            await events.publish(
                conn, type=FILE_RESTORED, data=await _trashed(conn, row), subject=str(item_id)
            )
            return await item_out(
                conn, await load_item(conn, item_id), await role_of(conn, actor, item_id)
            )

    @post("/{item_id:uuid}/purge", opt=route_opt(permission=FILES_WRITE), status_code=204)
    async def purge_item(
        self, item_id: FromPath[UUID], db: Db, events: Events, context: Context
    ) -> None:
        """Delete a trashed item for good, now (its owners); its content is let go."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            row = await load_item(conn, item_id, lock=True)
            require("purge", role=await role_of(conn, actor, item_id))
            if row["trashed_at"] is None:
                conflict("move it to the trash first")
            await purge(conn, events, item_id)

    @get(
        "/{item_id:uuid}/content",
        opt=route_opt(permission=FILES_READ),
        responses=NOT_A_FILE,
        operation_class=FileOperation,
    )
    async def download(  # noqa: PLR0913 - the ports and the query, named
        self,
        item_id: FromPath[UUID],
        db: Db,
        blobs: TenantBlobs,
        context: Context,
        version_id: Annotated[UUID | None, QueryParameter()] = None,
    ) -> Stream:
        """A file's content (its current version, or ``version_id``), streamed.

        403 when the file is quarantined.
        """
        actor = actor_of(context)
        async with db.transaction() as conn:
            row = await load_item(conn, item_id)
            require(
                "download",
                role=await role_of(conn, actor, item_id),
                quarantined=row["quarantined_at"] is not None,
            )
            version = await _version(conn, row, version_id)
        return await stream_version(blobs, row["name"], version)

    @put(
        "/{item_id:uuid}/content",
        opt=route_opt(permission=FILES_WRITE),
        request_max_body_size=STREAMED,
        responses={},
    )
    async def replace_content(  # noqa: PLR0913 - the ports, named
        self,
        item_id: FromPath[UUID],
        request: Request[Any, Any, Any],
        db: Db,
        events: Events,
        blobs: TenantBlobs,
        settings: Settings,
        context: Context,
    ) -> ItemOut:
        """Store a new version of a file: the request body, streamed."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            row = await load_item(conn, item_id)
            require("edit", role=await role_of(conn, actor, item_id))
            if row["kind"] != "file" or row["trashed_at"] is not None:
                conflict("only a file outside the trash takes a new version")
        saved = await save_file(
            db=db,
            events=events,
            blobs=blobs,
            settings=settings,
            actor=actor,
            drive_id=row["drive_id"],
            parent_id=row["parent_id"],
            name=row["name"],
            content_type=content_type_of(request.headers.get("content-type")),
            chunks=request.stream(),
        )
        async with db.transaction() as conn:
            return await item_out(conn, saved, await role_of(conn, actor, item_id))

    @get("/{item_id:uuid}/versions", opt=route_opt(permission=FILES_READ))
    async def list_versions(
        self, item_id: FromPath[UUID], db: Db, context: Context
    ) -> list[VersionOut]:
        """A file's versions, newest first."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            row = await load_item(conn, item_id)
            require("view", role=await role_of(conn, actor, item_id))
            rows = await conn.fetch(
                "select id, number, size, content_type, created_by, created_at "
                "from drive_version where item_id = $1 order by number desc",
                item_id,
            )
            return [
                VersionOut(**dict(version), current=version["id"] == row["version_id"])
                for version in rows
            ]

    @post(
        "/{item_id:uuid}/versions/{version_id:uuid}/restore",
        opt=route_opt(permission=FILES_WRITE),
        status_code=200,
    )
    async def restore_version(  # noqa: PLR0913 - the ports, named
        self,
        item_id: FromPath[UUID],
        version_id: FromPath[UUID],
        db: Db,
        events: Events,
        blobs: TenantBlobs,
        settings: Settings,
        context: Context,
    ) -> ItemOut:
        """Make an older version current again: a new version with its content."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            row = await load_item(conn, item_id)
            require("edit", role=await role_of(conn, actor, item_id))
            version = await _version(conn, row, version_id)
            drive = await _drive(conn, row["drive_id"])
            await check_quota(conn, settings, drive, version["size"])
        new_version = new_id()
        key = blob_key(item_id, new_version)
        await blobs.put(
            key, blobs.stream(version["blob_key"]), content_type=version["content_type"]
        )
        async with db.transaction() as conn:
            current = await load_item(conn, item_id, lock=True)
            await add_version(
                conn,
                events,
                item=current,
                content_type=version["content_type"],
                size=version["size"],
                actor=actor,
                keep=settings.keep_versions,
                version_id=new_version,
            )
            return await item_out(
                conn, await load_item(conn, item_id), await role_of(conn, actor, item_id)
            )

    @get(
        "/{item_id:uuid}/thumbnail",
        opt=route_opt(permission=FILES_READ),
        responses={},
        media_type="image/png",
    )
    async def thumbnail(
        self, item_id: FromPath[UUID], db: Db, blobs: TenantBlobs, context: Context
    ) -> Stream:
        """A PNG preview of an image or of a PDF's first page (404 until it is made)."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            row = await load_item(conn, item_id)
            require(
                "view",
                role=await role_of(conn, actor, item_id),
            )
        if row["thumbnail_key"] is None or row["quarantined_at"] is not None:
            not_found()
        return Stream(blobs.stream(row["thumbnail_key"]), media_type="image/png")


async def move_item(  # noqa: PLR0913 - the move, named
    conn: Connection,
    actor: str,
    item_id: UUID,
    name: str | None,
    parent_id: UUID | None,
    *,
    to_top: bool = False,
) -> None:
    """Rename an item and/or move it into another folder of its drive (or to its top)."""
    row = await load_item(conn, item_id, lock=True)
    require("edit", role=await role_of(conn, actor, item_id))
    new_name = check_name(name) if name is not None else row["name"]
    parent = row["parent_id"]
    if to_top:
        require("edit", role=await drive_role(conn, actor, row["drive_id"]))
        parent = None
    elif parent_id is not None:
        target = await load_item(conn, parent_id)
        require("edit", role=await role_of(conn, actor, parent_id))
        if target["kind"] != "folder" or target["drive_id"] != row["drive_id"]:
            conflict("move into a folder of the same drive")
        if await _is_below(conn, parent_id, item_id):
            conflict("a folder cannot move into itself")
        parent = parent_id
    clash = await _named(conn, row["drive_id"], parent, new_name)
    if clash is not None and clash["id"] != item_id:
        conflict(f"'{new_name}' already exists there")
    await conn.execute(
        "update drive_item set name = $2, parent_id = $3, updated_at = now() where id = $1",
        item_id,
        new_name,
        parent,
    )


async def trash_item(conn: Connection, events: EventPublisher, actor: str, item_id: UUID) -> None:
    """Move an item (a folder with all it holds) to the trash and say so."""
    row = await load_item(conn, item_id, lock=True)
    require("edit", role=await role_of(conn, actor, item_id))
    if row["trashed_at"] is not None:
        return
    await conn.execute(
        "with recursive down (id) as (select $1::uuid union all "
        "select i.id from drive_item i join down on i.parent_id = down.id "
        "where i.trashed_at is null) "
        "update drive_item set trashed_at = now(), trashed_by = $2, "
        "trash_root = (id = $1) where id in (select id from down)",
        item_id,
        actor,
    )
    await events.publish(
        conn, type=FILE_TRASHED, data=await _trashed(conn, row), subject=str(item_id)
    )


async def _version(
    conn: Connection, row: Mapping[str, Any], version_id: UUID | None
) -> Mapping[str, Any]:
    if row["kind"] != "file":
        conflict("a folder has no content")
    version = await conn.fetchrow(
        "select id, blob_key, size, content_type from drive_version where item_id = $1 and id = $2",
        row["id"],
        version_id or row["version_id"],
    )
    if version is None:
        not_found()
    return version


async def stream_version(blobs: BlobStore, name: str, version: Mapping[str, Any]) -> Stream:
    """A version's bytes as a streamed response, with its name and size."""
    chunks = blobs.stream(version["blob_key"])
    return Stream(
        chunks,
        media_type=version["content_type"],
        headers={
            "Content-Length": str(version["size"]),
            "Content-Disposition": content_disposition(name),
        },
    )


async def _is_below(conn: Connection, item_id: UUID, ancestor: UUID) -> bool:
    found: bool = await conn.fetchval(
        "with recursive up (id, parent_id) as (select id, parent_id from drive_item where id = $1 "
        "union all select i.id, i.parent_id from drive_item i join up on i.id = up.parent_id) "
        "select exists (select 1 from up where id = $2)",
        item_id,
        ancestor,
    )
    return found


async def _trashed(conn: Connection, row: Mapping[str, Any]) -> FileTrashed:
    return FileTrashed(
        file_id=row["id"],
        name=row["name"],
        path=await item_path(conn, row["id"]),
        drive_id=row["drive_id"],
        kind=row["kind"],
    )


async def _restore(conn: Connection, row: Mapping[str, Any]) -> bool:
    """Untrash an item and what went with it; ``False`` when its name is taken now."""
    if row["parent_id"] is not None:
        parent = await load_item(conn, row["parent_id"])
        if parent["trashed_at"] is not None:
            conflict("its folder is in the trash: restore the folder")
    if await _named(conn, row["drive_id"], row["parent_id"], row["name"]):
        return False
    await conn.execute(
        "with recursive down (id) as (select $1::uuid union all "
        "select i.id from drive_item i join down on i.parent_id = down.id "
        "where i.trashed_at = $2 and not i.trash_root) "
        "update drive_item set trashed_at = null, trashed_by = null, trash_root = false "
        "where id in (select id from down)",
        row["id"],
        row["trashed_at"],
    )
    return True


async def purge(conn: Connection, events: EventPublisher, item_id: UUID) -> None:
    """Delete an item and everything below it; their owned blobs are let go."""
    rows = await conn.fetch(
        "with recursive down (id) as (select $1::uuid union all "
        "select i.id from drive_item i join down on i.parent_id = down.id) "
        "select v.blob_key, v.owned from drive_version v where v.item_id in (select id from down) "
        "union all select i.thumbnail_key, true from drive_item i "
        "where i.id in (select id from down) and i.thumbnail_key is not null",
        item_id,
    )
    for row in rows:
        if row["owned"]:
            await orphan(conn, row["blob_key"])
    await conn.execute("delete from drive_item where id = $1", item_id)
    await events.publish(
        conn, type=FILE_DELETED, data=FileDeleted(file_id=item_id), subject=str(item_id)
    )


class TrashController(Controller):
    """The caller's trash: what they trashed, restorable until the sweep purges it."""

    path = "/trash"
    tags = ["drive"]  # noqa: RUF012 - Litestar reads it as declared

    @get("/", opt=route_opt(permission=FILES_READ))
    async def list_trash(self, db: Db, context: Context, settings: Settings) -> list[ItemOut]:
        """Trashed items the caller may restore, newest first."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {ITEM_COLUMNS} from drive_item where trash_root "
                "order by trashed_at desc limit 500"
            )
            shown = []
            for row in rows:
                role = await role_of(conn, actor, row["id"])
                if role is not None and role in ("editor", "owner"):
                    shown.append(await item_out(conn, row, role))
            return shown
