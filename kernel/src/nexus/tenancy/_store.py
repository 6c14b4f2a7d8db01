"""Tenants in the database: the kernel's only platform-owned table of business data."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id

if TYPE_CHECKING:
    from asyncpg import Connection

    from nexus.db import PostgresDatabase

__all__ = (
    "SLUG_PATTERN",
    "Tenant",
    "TenantStatus",
    "TenantUpdate",
    "create_tenant",
    "get_tenant",
    "list_tenants",
    "mirror_tenant",
    "set_tenant_status",
    "update_tenant",
)

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
Slug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN, description="unique, URL-safe name")]


class TenantStatus(enum.StrEnum):
    """Where a tenant is in its life."""

    PROVISIONING = "provisioning"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEPROVISIONED = "deprovisioned"


class Tenant(msgspec.Struct, kw_only=True):
    """A tenant as the platform API shows it."""

    id: UUID
    slug: str
    name: str
    plan: str
    placement: str
    status: TenantStatus
    profile: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class TenantUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields a platform admin may change; omitted ones stay as they are."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    plan: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    profile: dict[str, Any] | None = None


_COLUMNS = "id, slug, name, plan, placement, status, profile, created_at, updated_at"
_encoder = msgspec.json.Encoder()


def _tenant(row: Any) -> Tenant:
    values = dict(row)
    values["profile"] = msgspec.json.decode(values["profile"])
    return msgspec.convert(values, Tenant, from_attributes=False)


async def create_tenant(
    conn: Connection,
    *,
    slug: str,
    name: str,
    plan: str = "standard",
    status: TenantStatus = TenantStatus.ACTIVE,
    profile: dict[str, Any] | None = None,
    tenant_id: UUID | None = None,
) -> Tenant:
    """Insert a tenant; raise ``asyncpg.UniqueViolationError`` when the slug is taken."""
    row = await conn.fetchrow(
        f"insert into nexus_tenant (id, slug, name, plan, status, profile) "
        f"values ($1, $2, $3, $4, $5, $6::jsonb) returning {_COLUMNS}",
        tenant_id or new_id(),
        slug,
        name,
        plan,
        status.value,
        _encoder.encode(profile or {}).decode(),
    )
    return _tenant(row)


async def get_tenant(conn: Connection, tenant_id: UUID) -> Tenant | None:
    """Return the tenant, or ``None``."""
    row = await conn.fetchrow(f"select {_COLUMNS} from nexus_tenant where id = $1", tenant_id)
    return _tenant(row) if row else None


async def list_tenants(
    conn: Connection,
    *,
    after: UUID | None,
    limit: int,
    status: TenantStatus | None = None,
    search: str | None = None,
) -> list[Tenant]:
    """Return up to ``limit`` tenants after the id ``after``, oldest first."""
    rows = await conn.fetch(
        f"select {_COLUMNS} from nexus_tenant "
        "where ($1::uuid is null or id > $1) and ($2::text is null or status = $2) "
        "and ($3::text is null or slug ilike '%' || $3 || '%' or name ilike '%' || $3 || '%') "
        "order by id limit $4",
        after,
        status.value if status else None,
        search,
        limit,
    )
    return [_tenant(row) for row in rows]


async def update_tenant(conn: Connection, tenant_id: UUID, changes: TenantUpdate) -> Tenant | None:
    """Apply ``changes``; return the tenant, or ``None`` when it does not exist."""
    profile = None if changes.profile is None else _encoder.encode(changes.profile).decode()
    row = await conn.fetchrow(
        f"update nexus_tenant set name = coalesce($2, name), plan = coalesce($3, plan), "
        f"profile = coalesce($4::jsonb, profile), updated_at = now() "
        f"where id = $1 returning {_COLUMNS}",
        tenant_id,
        changes.name,
        changes.plan,
        profile,
    )
    return _tenant(row) if row else None


async def set_tenant_status(
    conn: Connection, tenant_id: UUID, status: TenantStatus
) -> Tenant | None:
    """Change the tenant's status; return it, or ``None`` when it does not exist."""
    row = await conn.fetchrow(
        f"update nexus_tenant set status = $2, updated_at = now() where id = $1 "
        f"returning {_COLUMNS}",
        tenant_id,
        status.value,
    )
    return _tenant(row) if row else None


async def mirror_tenant(database: PostgresDatabase, tenant: Tenant) -> None:
    """Copy the directory's row of ``tenant`` into its own database, if it has one.

    A dedicated tenant's database keeps a copy of its row (its tables' foreign keys point
    at it, and sign-in reads its status there); a platform admin's change, made in the
    home database, reaches the copy here, after it committed.
    """
    placements = database.placements
    if placements is None or await placements.is_home(tenant.id):
        return
    async with database.transaction(tenant_id=tenant.id) as conn:
        await conn.execute(
            "update nexus_tenant set name = $2, plan = $3, status = $4, profile = $5::jsonb, "
            "updated_at = $6 where id = $1",
            tenant.id,
            tenant.name,
            tenant.plan,
            tenant.status.value,
            _encoder.encode(tenant.profile).decode(),
            tenant.updated_at,
        )
