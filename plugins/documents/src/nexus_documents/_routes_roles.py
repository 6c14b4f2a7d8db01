"""``/roles``: approver roles, named groups of users a workflow step may name."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath
from nexus_hookspecs.http import Cursor, Db, Limit, Page, after_id, page_of, route_opt

from nexus_documents._examples import body
from nexus_documents._keys import CONFIG_WRITE, DOCUMENTS_READ
from nexus_documents._workflows import (
    RoleIn,
    RoleOut,
    RolePatch,
    create_role,
    delete_role,
    get_role,
    list_roles,
    update_role,
)

__all__ = ("RoleController",)


class RoleController(Controller):
    """Approver roles."""

    path = "/roles"
    tags = ["documents: approvals"]

    @get("/", opt=route_opt(permission=DOCUMENTS_READ))
    async def list_roles(self, db: Db, cursor: Cursor = None, limit: Limit = 50) -> Page[RoleOut]:
        """Approver roles, oldest first."""
        async with db.transaction() as conn:
            found = await list_roles(conn, after=after_id(cursor), limit=limit + 1)
        return page_of(found, limit)

    @post("/", opt=route_opt(permission=CONFIG_WRITE))
    async def create_role(
        self, db: Db, data: Annotated[RoleIn, body("POST /roles", "The directors")]
    ) -> RoleOut:
        """Create an approver role: a name and its members (user ids)."""
        async with db.transaction() as conn:
            return await create_role(conn, data)

    @get("/{role_id:uuid}", opt=route_opt(permission=DOCUMENTS_READ))
    async def show_role(self, db: Db, role_id: FromPath[UUID]) -> RoleOut:
        """One role; another tenant's answers 404 like a missing one."""
        async with db.transaction() as conn:
            return await get_role(conn, role_id)

    @patch("/{role_id:uuid}", opt=route_opt(permission=CONFIG_WRITE))
    async def change_role(
        self,
        db: Db,
        role_id: FromPath[UUID],
        data: Annotated[RolePatch, body("PATCH /roles/{role_id}", "One director left")],
    ) -> RoleOut:
        """Rename a role or change its members (approvals started before keep theirs)."""
        async with db.transaction() as conn:
            return await update_role(conn, role_id, data)

    @delete("/{role_id:uuid}", opt=route_opt(permission=CONFIG_WRITE))
    async def delete_role(self, db: Db, role_id: FromPath[UUID]) -> None:
        """Delete a role; 409 while a workflow step names it."""
        async with db.transaction() as conn:
            await delete_role(conn, role_id)
