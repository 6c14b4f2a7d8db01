"""Sharing: with users and groups (roles inherited down folders), and links.

A link's token is random (32 bytes) and kept only as its SHA-256; its holder opens it at the
visitor routes ``/api/v1/drive/public/{tenant}/links/{token}`` (no account), giving the
link's password, when it has one, in the ``X-Link-Password`` header. An expired or revoked
link answers 404, exactly as an unknown one.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from limits import RateLimitItemPerHour, storage, strategies
from litestar import Controller, delete, get, post, put
from litestar.exceptions import PermissionDeniedException, TooManyRequestsException
from litestar.params import FromPath, HeaderParameter, QueryParameter
from litestar.response import Stream
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Db,
    Events,
    TenantBlobs,
    conflict,
    not_found,
    route_opt,
)

from nexus_drive._access import allows, require, role_of
from nexus_drive._common import actor_of, item_out
from nexus_drive._events import ITEM_SHARED, ItemShared
from nexus_drive._examples import body
from nexus_drive._keys import FILES_READ, FILES_WRITE
from nexus_drive._model import ItemOut, LinkIn, LinkMade, LinkOut, ShareIn, ShareOut
from nexus_drive._openapi import FileOperation
from nexus_drive._routes_items import stream_version
from nexus_drive._scan import ready_to_share
from nexus_drive._store import ITEM_COLUMNS, load_item

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = ("LinkController", "PublicLinkController", "ShareController")

_SHARE_COLUMNS = "id, item_id, principal, role, created_by, created_at"
_LINK_COLUMNS = (
    "id, item_id, access, expires_at, password_hash is not null as has_password, revoked_at, "
    "created_by, created_at"
)
_ITERATIONS = 200_000
PASSWORD_TRIES_PER_HOUR = 20
"""Wrong passwords a link takes per hour (per process) before it answers 429."""


_LIMITER = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
_FAILURES = RateLimitItemPerHour(PASSWORD_TRIES_PER_HOUR)


def _count_failure(token: str) -> int | None:
    """Count a wrong password for a link; the seconds to wait once it had too many."""
    key = _digest(token).hex()
    if _LIMITER.hit(_FAILURES, "drive.link", key):
        return None
    stats = _LIMITER.get_window_stats(_FAILURES, "drive.link", key)
    return max(1, math.ceil(stats.reset_time - time.time()))


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def hash_password(password: str) -> str:
    """``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>``."""
    salt = secrets.token_bytes(16)
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
    return f"pbkdf2_sha256${_ITERATIONS}${salt.hex()}${derived.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches a :func:`hash_password` value."""
    _, iterations, salt, expected = stored.split("$")
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), int(iterations))
    return hmac.compare_digest(derived.hex(), expected)


async def _shareable(conn: Connection, actor: str, item_id: UUID, *, owner: bool) -> None:
    row = await load_item(conn, item_id)
    role = await role_of(conn, actor, item_id)
    quarantined = row["quarantined_at"] is not None
    require("share_owner" if owner else "share", role=role, quarantined=quarantined)
    if row["trashed_at"] is not None:
        conflict("an item in the trash cannot be shared")
    if not await ready_to_share(conn, item_id):
        conflict("a file in it is not scanned yet; share it once the virus scan ran")


class ShareController(Controller):
    """Who an item is shared with."""

    path = "/items/{item_id:uuid}/shares"
    tags = ["drive"]  # noqa: RUF012 - Litestar reads it as declared

    @get("/", opt=route_opt(permission=FILES_READ))
    async def list_shares(
        self, item_id: FromPath[UUID], db: Db, context: Context
    ) -> list[ShareOut]:
        """The shares of an item itself (not those of the folders above it)."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            await load_item(conn, item_id)
            require("view", role=await role_of(conn, actor, item_id))
            rows = await conn.fetch(
                f"select {_SHARE_COLUMNS} from drive_share where item_id = $1 order by created_at",
                item_id,
            )
            return [ShareOut(**dict(row)) for row in rows]

    @put("/", opt=route_opt(permission=FILES_WRITE))
    async def share(
        self,
        item_id: FromPath[UUID],
        db: Db,
        events: Events,
        context: Context,
        data: Annotated[ShareIn, body("PUT /items/{item_id}/shares", "Read-only")],
    ) -> ShareOut:
        """Share an item with a user or group, or change their role on it.

        Editors share up to editor; only owners make owners. 403 for a quarantined file, 409
        while a file in it waits for its virus scan.
        """
        actor = actor_of(context)
        async with db.transaction() as conn:
            await _shareable(conn, actor, item_id, owner=data.role == "owner")
            row = await conn.fetchrow(
                "insert into drive_share (id, item_id, principal, role, created_by) "
                "values ($1, $2, $3, $4, $5) on conflict (tenant_id, item_id, principal) "
                f"do update set role = excluded.role returning {_SHARE_COLUMNS}",
                new_id(),
                item_id,
                data.principal,
                data.role,
                actor,
            )
            assert row is not None
            await events.publish(
                conn,
                type=ITEM_SHARED,
                data=ItemShared(item_id=item_id, principal=data.principal, role=data.role),
                subject=str(item_id),
            )
            return ShareOut(**dict(row))

    @delete("/{share_id:uuid}", opt=route_opt(permission=FILES_WRITE), status_code=204)
    async def unshare(
        self, item_id: FromPath[UUID], share_id: FromPath[UUID], db: Db, context: Context
    ) -> None:
        """Revoke a share."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            await load_item(conn, item_id)
            require("share", role=await role_of(conn, actor, item_id))
            status = await conn.execute(
                "delete from drive_share where id = $1 and item_id = $2", share_id, item_id
            )
            if status == "DELETE 0":
                not_found()


class LinkController(Controller):
    """The links to an item."""

    path = "/items/{item_id:uuid}/links"
    tags = ["drive"]  # noqa: RUF012 - Litestar reads it as declared

    @get("/", opt=route_opt(permission=FILES_READ))
    async def list_links(self, item_id: FromPath[UUID], db: Db, context: Context) -> list[LinkOut]:
        """An item's links, revoked and expired ones included."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            await load_item(conn, item_id)
            require("share", role=await role_of(conn, actor, item_id))
            rows = await conn.fetch(
                f"select {_LINK_COLUMNS} from drive_link where item_id = $1 order by created_at",
                item_id,
            )
            return [LinkOut(**dict(row)) for row in rows]

    @post("/", opt=route_opt(permission=FILES_WRITE), status_code=201)
    async def create_link(
        self,
        item_id: FromPath[UUID],
        db: Db,
        context: Context,
        data: Annotated[LinkIn, body("POST /items/{item_id}/links", "An expiring link")],
    ) -> LinkMade:
        """Make a link (view or download, expiring, with a password); its token is shown once."""
        actor = actor_of(context)
        if data.expires_at is not None and data.expires_at <= datetime.now(UTC):
            conflict("the link would be expired already")
        token = secrets.token_urlsafe(32)
        async with db.transaction() as conn:
            await _shareable(conn, actor, item_id, owner=False)
            link_id = new_id()
            await conn.execute(
                "insert into drive_link (id, item_id, token_hash, access, expires_at, "
                "password_hash, created_by) values ($1, $2, $3, $4, $5, $6, $7)",
                link_id,
                item_id,
                _digest(token),
                data.access,
                data.expires_at,
                hash_password(data.password) if data.password else None,
                actor,
            )
        return LinkMade(
            id=link_id,
            item_id=item_id,
            access=data.access,
            expires_at=data.expires_at,
            has_password=data.password is not None,
            token=token,
            path=f"/api/v1/drive/public/{{tenant}}/links/{token}",
        )

    @delete("/{link_id:uuid}", opt=route_opt(permission=FILES_WRITE), status_code=204)
    async def revoke_link(
        self, item_id: FromPath[UUID], link_id: FromPath[UUID], db: Db, context: Context
    ) -> None:
        """Revoke a link: it answers 404 from now on."""
        actor = actor_of(context)
        async with db.transaction() as conn:
            await load_item(conn, item_id)
            require("share", role=await role_of(conn, actor, item_id))
            status = await conn.execute(
                "update drive_link set revoked_at = coalesce(revoked_at, now()) "
                "where id = $1 and item_id = $2",
                link_id,
                item_id,
            )
            if status == "UPDATE 0":
                not_found()


async def _open_link(
    conn: Connection, token: str, password: str | None
) -> tuple[Mapping[str, Any], str]:
    """The item a live link names and the link's access; 404 for anything else."""
    link = await conn.fetchrow(
        "select item_id, access, password_hash from drive_link where token_hash = $1 "
        "and revoked_at is null and (expires_at is null or expires_at > now())",
        _digest(token),
    )
    if link is None:
        not_found()
    if link["password_hash"] is not None and not (
        password and check_password(password, link["password_hash"])
    ):
        wait = _count_failure(token)
        if wait is not None:
            raise TooManyRequestsException(
                "too many wrong passwords for this link; try again later",
                headers={"Retry-After": str(wait)},
            )
        raise PermissionDeniedException("this link needs its password (X-Link-Password)")
    item = await load_item(conn, link["item_id"])
    if item["trashed_at"] is not None:
        not_found()
    return item, link["access"]


async def _below(conn: Connection, root: UUID, item_id: UUID) -> Mapping[str, Any]:
    """``item_id`` when it is ``root`` or inside it (not trashed); 404 otherwise."""
    row = await conn.fetchrow(
        "with recursive up (id, parent_id) as (select id, parent_id from drive_item where id = $1 "
        "union all select i.id, i.parent_id from drive_item i join up on i.id = up.parent_id) "
        f"select {ITEM_COLUMNS} from drive_item where id = $1 and trashed_at is null "
        "and exists (select 1 from up where id = $2)",
        item_id,
        root,
    )
    if row is None:
        not_found()
    return row


Password = Annotated[str | None, HeaderParameter(name="X-Link-Password", required=False)]


class PublicLinkController(Controller):
    """What a link's holder sees, without an account (visitor routes)."""

    path = "/public/{tenant:str}/links/{token:str}"
    tags = ["drive"]  # noqa: RUF012 - Litestar reads it as declared
    opt = route_opt(access="visitor")  # noqa: RUF012 - Litestar reads it as declared

    @get("/", responses={})
    async def open_link(
        self, tenant: FromPath[str], token: FromPath[str], db: Db, password: Password = None
    ) -> ItemOut:
        """The linked item (404 when the link is unknown, expired or revoked)."""
        del tenant
        async with db.transaction() as conn:
            item, _ = await _open_link(conn, token, password)
            return await item_out(conn, item, None)

    @get("/items", responses={})
    async def list_linked(
        self,
        tenant: FromPath[str],
        token: FromPath[str],
        db: Db,
        password: Password = None,
        parent_id: Annotated[UUID | None, QueryParameter()] = None,
    ) -> list[ItemOut]:
        """What a linked folder (or a folder inside it, ``parent_id``) holds."""
        del tenant
        async with db.transaction() as conn:
            item, _ = await _open_link(conn, token, password)
            folder = await _below(conn, item["id"], parent_id or item["id"])
            if folder["kind"] != "folder":
                conflict("a file has no children")
            rows = await conn.fetch(
                f"select {ITEM_COLUMNS} from drive_item where parent_id = $1 "
                "and trashed_at is null order by kind desc, lower(name)",
                folder["id"],
            )
            return [await item_out(conn, row, None) for row in rows]

    @get("/content", responses={}, operation_class=FileOperation)
    async def download_linked(  # noqa: PLR0913 - the ports and the query, named
        self,
        tenant: FromPath[str],
        token: FromPath[str],
        db: Db,
        blobs: TenantBlobs,
        password: Password = None,
        item_id: Annotated[UUID | None, QueryParameter()] = None,
    ) -> Stream:
        """Download the linked file (or a file inside the linked folder): ``download`` links.

        403 for a ``view`` link or a quarantined file.
        """
        del tenant
        async with db.transaction() as conn:
            item, access = await _open_link(conn, token, password)
            row = await _below(conn, item["id"], item_id or item["id"])
            if not allows("download", link=access, quarantined=row["quarantined_at"] is not None):
                raise PermissionDeniedException("this link does not allow downloading it")
            if row["kind"] != "file":
                conflict("a folder has no content")
            version = await conn.fetchrow(
                "select blob_key, size, content_type from drive_version where id = $1",
                row["version_id"],
            )
            assert version is not None
        return await stream_version(blobs, row["name"], version)
