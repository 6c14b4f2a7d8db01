"""Roles a tenant defines: a name for a set of plugin permissions (``/api/v1/roles``).

The built-in roles stay as they are: ``tenant_admin`` holds every permission, ``member``
those the plugins grant to members. A tenant adds its own — a storekeeper with Inventory's
permissions and no Finance, say — and gives them to users and API keys by name, beside or
instead of ``member``. Only plugins' permissions can be granted: the kernel's own (users,
keys, features) stay with admins, so no role lets its holder make itself an admin.

The permissions of the roles a credential holds are looked up whenever the credential is
checked (:mod:`nexus.identity._authenticate`): a role changed or deleted takes effect in this
process at once and in the others within ``NEXUS_AUTH_CACHE_TTL_S``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from asyncpg import UniqueViolationError
from litestar import Controller, Request, delete, get, patch, post
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, JSONBody
from nexus_hookspecs.http import Cursor, Limit, Page, after_id, invalid, page_of

from nexus.db import new_id
from nexus.http import KernelDb, required_tenant
from nexus.identity._principal import Role
from nexus.services import kernel_of

if TYPE_CHECKING:
    from asyncpg import Connection

__all__ = ("RoleController", "RoleName", "TenantRoleOut", "check_roles", "grants_sql")

RoleName = Annotated[
    str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_-]{0,39}$", examples=["storekeeper"])
]
"""A role as users and keys name it: ``tenant_admin``, ``member`` or one the tenant made."""
PermissionKey = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[a-z][a-z0-9_]*\.[a-z0-9_.:-]+$", max_length=200, examples=["inventory.read"]
    ),
]
Description = Annotated[str, msgspec.Meta(max_length=500)]

_BUILT_IN = frozenset(Role)
_ROLE = "id, name, description, permissions, created_at, updated_at"

grants_sql = (
    "array(select distinct p from nexus_role r cross join unnest(r.permissions) p "
    "where r.tenant_id = {tenant} and r.name = any({roles}))"
)
"""The permissions the tenant's roles named by the SQL expression ``{roles}`` grant."""


class TenantRoleOut(msgspec.Struct, kw_only=True):
    """A role the tenant defined."""

    id: UUID
    name: str
    description: str
    permissions: list[str]
    created_at: datetime
    updated_at: datetime


class RoleCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new role: its name (not a built-in role's) and the plugin permissions it grants."""

    name: RoleName
    permissions: list[PermissionKey]
    description: Description = ""


class RoleUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a role; omitted fields stay as they are. A role is not renamed."""

    description: Description | None = None
    permissions: list[PermissionKey] | None = None


async def check_roles(conn: Connection, roles: list[str]) -> None:
    """Refuse (422 naming ``roles``) a role that is neither built in nor the tenant's own.

    ``platform_admin`` is never a tenant's.
    """
    if Role.PLATFORM_ADMIN in roles:
        invalid("roles", "platform_admin is not a tenant role")
    custom = sorted(set(roles) - _BUILT_IN)
    if not custom:
        return
    known = {
        row["name"]
        for row in await conn.fetch("select name from nexus_role where name = any($1)", custom)
    }
    unknown = [name for name in custom if name not in known]
    if unknown:
        invalid("roles", f"unknown role(s): {', '.join(unknown)} (see GET /api/v1/roles)")


def _out(row: Any) -> TenantRoleOut:
    return msgspec.convert(dict(row), TenantRoleOut)


def _check_permissions(request: Request[Any, Any, Any], permissions: list[str]) -> list[str]:
    declared = kernel_of(request.app).registry.permissions()
    unknown = sorted(set(permissions) - declared)
    if unknown:
        invalid(
            "permissions",
            f"not a permission of an installed plugin: {', '.join(unknown)}",
        )
    return sorted(set(permissions))


class RoleController(Controller):
    """Roles the caller's tenant defines (tenant admins)."""

    path = "/api/v1/roles"
    tags = ["identity"]
    opt = {"permission": "nexus.users:admin"}

    @get("/", summary="List the tenant's roles")
    async def list(
        self, db: KernelDb, limit: Limit = 50, cursor: Cursor = None
    ) -> Page[TenantRoleOut]:
        """The roles the tenant defined, oldest first (the built-in ones are not listed)."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {_ROLE} from nexus_role where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([_out(row) for row in rows], limit)

    @post("/", summary="Create a role")
    async def create(
        self, request: Request[Any, Any, Any], db: KernelDb, data: JSONBody[RoleCreate]
    ) -> TenantRoleOut:
        """Name a set of plugin permissions; 409 when the name is taken or built in."""
        if data.name in _BUILT_IN:
            raise ClientException(f"'{data.name}' is a built-in role", status_code=409)
        permissions = _check_permissions(request, data.permissions)
        try:
            async with db.transaction() as conn:
                row = await conn.fetchrow(
                    "insert into nexus_role (tenant_id, id, name, description, permissions) "
                    f"values ($1, $2, $3, $4, $5) returning {_ROLE}",
                    required_tenant(request),
                    new_id(),
                    data.name,
                    data.description,
                    permissions,
                )
        except UniqueViolationError:
            raise ClientException(f"a role named '{data.name}' exists", status_code=409) from None
        return _out(row)

    @get("/{role_id:uuid}", summary="Show a role")
    async def show(self, db: KernelDb, role_id: FromPath[UUID]) -> TenantRoleOut:
        """One role of the tenant."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(f"select {_ROLE} from nexus_role where id = $1", role_id)
        if row is None:
            raise NotFoundException()
        return _out(row)

    @patch("/{role_id:uuid}", summary="Change a role")
    async def change(
        self,
        request: Request[Any, Any, Any],
        db: KernelDb,
        role_id: FromPath[UUID],
        data: JSONBody[RoleUpdate],
    ) -> TenantRoleOut:
        """Change what a role grants: its holders' next requests get the new permissions."""
        permissions = (
            _check_permissions(request, data.permissions) if data.permissions is not None else None
        )
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update nexus_role set description = coalesce($2, description), "
                "permissions = coalesce($3, permissions), updated_at = now() "
                f"where id = $1 returning {_ROLE}",
                role_id,
                data.description,
                permissions,
            )
        if row is None:
            raise NotFoundException()
        kernel_of(request.app).authenticator.forget()
        return _out(row)

    @delete("/{role_id:uuid}", summary="Delete a role")
    async def remove(
        self, request: Request[Any, Any, Any], db: KernelDb, role_id: FromPath[UUID]
    ) -> None:
        """Delete a role nobody holds; 409 naming how many users and keys still hold it."""
        async with db.transaction() as conn:
            name = await conn.fetchval("select name from nexus_role where id = $1", role_id)
            if name is None:
                raise NotFoundException()
            users = await conn.fetchval(
                "select count(*) from nexus_user where $1 = any(roles)", name
            )
            keys = await conn.fetchval(
                "select count(*) from nexus_api_key where $1 = any(roles) and revoked_at is null",
                name,
            )
            if users or keys:
                raise ClientException(
                    f"role '{name}' is held by {users} user(s) and {keys} API key(s): "
                    "take it from them first",
                    status_code=409,
                )
            await conn.execute("delete from nexus_role where id = $1", role_id)
        kernel_of(request.app).authenticator.forget()
