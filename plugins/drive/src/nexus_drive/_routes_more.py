"""Search, groups, per-user quotas and the sweep: ``/api/v1/drive/…``."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Db,
    Events,
    TenantBlobs,
    TenantSettings,
    not_found,
    route_opt,
)

from nexus_drive._common import actor_of
from nexus_drive._examples import body
from nexus_drive._keys import ADMIN, FILES_READ, SWEEP
from nexus_drive._model import GroupIn, GroupOut, QuotaIn, SearchHit
from nexus_drive._search import find_items
from nexus_drive._settings import DriveSettings
from nexus_drive._sweep import SweepReport, delete_orphans, let_go

__all__ = ("GroupController", "run_sweep", "search", "set_quota")

Settings = TenantSettings[DriveSettings]


@get("/search", opt=route_opt(permission=FILES_READ))
async def search(
    db: Db,
    context: Context,
    q: Annotated[str, QueryParameter(min_length=1, max_length=500)],
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> list[SearchHit]:
    """Files and folders whose name or text (PDF, DOCX, XLSX, PPTX, plain text) match ``q``.

    Web-search syntax (``"exact phrase"``, ``or``, ``-word``); only what the caller may see,
    best first, with a snippet of the matching text.
    """
    async with db.transaction() as conn:
        return await find_items(conn, actor_of(context), q, limit)


class GroupController(Controller):
    """Groups of users, to share with many at once (``group:<id>``)."""

    path = "/groups"
    tags = ["drive"]  # noqa: RUF012 - Litestar reads it as declared

    @get("/", opt=route_opt(permission=FILES_READ))
    async def list_groups(self, db: Db) -> list[GroupOut]:
        """Every group of the tenant."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, name, members, created_at from drive_group order by lower(name), id"
            )
            return [GroupOut(**dict(row)) for row in rows]

    @post("/", opt=route_opt(permission=ADMIN), status_code=201)
    async def create_group(
        self, db: Db, data: Annotated[GroupIn, body("POST /groups", "A group")]
    ) -> GroupOut:
        """Make a group."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into drive_group (id, name, members) values ($1, $2, $3) "
                "returning id, name, members, created_at",
                new_id(),
                data.name.strip(),
                sorted(set(data.members)),
            )
            return GroupOut(**dict(row or {}))

    @get("/{group_id:uuid}", opt=route_opt(permission=FILES_READ), responses={})
    async def show_group(self, group_id: FromPath[UUID], db: Db) -> GroupOut:
        """A group."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select id, name, members, created_at from drive_group where id = $1", group_id
            )
            if row is None:
                not_found()
            return GroupOut(**dict(row))

    @put("/{group_id:uuid}", opt=route_opt(permission=ADMIN), responses={})
    async def replace_group(
        self,
        group_id: FromPath[UUID],
        db: Db,
        data: Annotated[GroupIn, body("PUT /groups/{group_id}", "Renamed")],
    ) -> GroupOut:
        """Rename a group and set its members."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update drive_group set name = $2, members = $3 where id = $1 "
                "returning id, name, members, created_at",
                group_id,
                data.name.strip(),
                sorted(set(data.members)),
            )
            if row is None:
                not_found()
            return GroupOut(**dict(row))

    @delete("/{group_id:uuid}", opt=route_opt(permission=ADMIN), status_code=204)
    async def delete_group(self, group_id: FromPath[UUID], db: Db) -> None:
        """Delete a group and the shares and memberships made to it."""
        async with db.transaction() as conn:
            status = await conn.execute("delete from drive_group where id = $1", group_id)
            if status == "DELETE 0":
                not_found()
            principal = f"group:{group_id}"
            await conn.execute("delete from drive_share where principal = $1", principal)
            await conn.execute("delete from drive_member where principal = $1", principal)


@put("/quotas", opt=route_opt(permission=ADMIN))
async def set_quota(db: Db, data: Annotated[QuotaIn, body("PUT /quotas", "10 GiB")]) -> QuotaIn:
    """Set one user's own storage quota (``null``: back to the tenant's ``user_quota_bytes``)."""
    async with db.transaction() as conn:
        if data.limit_bytes is None:
            await conn.execute("delete from drive_quota where principal = $1", data.principal)
        else:
            await conn.execute(
                "insert into drive_quota (id, principal, limit_bytes) values ($1, $2, $3) "
                "on conflict (tenant_id, principal) do update set limit_bytes = $3",
                new_id(),
                data.principal,
                data.limit_bytes,
            )
    return data


@post("/sweep", opt=route_opt(permission=SWEEP), status_code=200)
async def run_sweep(db: Db, events: Events, blobs: TenantBlobs, settings: Settings) -> SweepReport:
    """Sweep the tenant now: purge old trash, drop expired uploads, delete let-go blobs."""
    async with db.transaction() as conn:
        report = await let_go(conn, settings, events)
    report.blobs_deleted = await delete_orphans(db.transaction, blobs)
    return report
