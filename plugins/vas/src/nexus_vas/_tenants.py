"""The tenant's slug, kept by ``nexus_tenant_enable``: callback URLs carry it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("tenant_slug",)


async def tenant_slug(conn: Connection) -> str:
    """The current tenant's slug."""
    slug = await conn.fetchval("select slug from vas_tenant")
    return str(slug)
