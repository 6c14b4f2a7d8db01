"""Size limits and quotas: what one upload may be, and what a tenant and a user may keep.

Usage counts every stored version of every file (the trash included, until it is purged):
that is what the files store holds. A user's usage is their own drive's; shared drives count
for the tenant only. Over a limit, the request is refused before anything is kept: 413
(``limit``) for an upload larger than the plan allows, 507 (``limit``, ``used``,
``needed``) for a quota it would exceed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import msgspec
from litestar.exceptions import HTTPException

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any
    from uuid import UUID

    from nexus_hookspecs import Connection

    from nexus_drive._settings import DriveSettings

__all__ = ("Usage", "check_size", "check_quota", "too_large", "usage")


class Usage(msgspec.Struct, kw_only=True):
    """What is used and allowed, in bytes (``None``: no limit).

    Attributes:
        tenant_used: Every version of every file of the tenant.
        tenant_limit: The tenant's quota.
        user_used: The caller's own drive.
        user_limit: The caller's quota.
        max_upload_bytes: The largest file one upload may store.
    """

    tenant_used: int
    tenant_limit: int | None
    user_used: int
    user_limit: int | None
    max_upload_bytes: int


def too_large(limit: int, size: int | None = None) -> NoReturn:
    """Answer 413: a file larger than one upload may be."""
    raise HTTPException(
        f"the file is larger than the {limit} bytes one upload may store",
        status_code=413,
        extra={"limit": limit, **({"size": size} if size is not None else {})},
    )


def check_size(settings: DriveSettings, size: int) -> None:
    """Refuse (413) a file larger than ``max_upload_bytes``."""
    if size > settings.max_upload_bytes:
        too_large(settings.max_upload_bytes, size)


async def _drive_used(conn: Connection, drive_id: UUID) -> int:
    used: int = await conn.fetchval(
        "select coalesce(sum(v.size), 0)::bigint from drive_version v "
        "join drive_item i on i.id = v.item_id where i.drive_id = $1",
        drive_id,
    )
    return used


async def _user_limit(conn: Connection, settings: DriveSettings, owner: str) -> int | None:
    own: int | None = await conn.fetchval(
        "select limit_bytes from drive_quota where principal = $1", owner
    )
    return own if own is not None else settings.user_quota_bytes


async def usage(conn: Connection, settings: DriveSettings, actor: str | None) -> Usage:
    """The tenant's and the actor's usage and limits."""
    tenant_used: int = await conn.fetchval(
        "select coalesce(sum(size), 0)::bigint from drive_version"
    )
    user_used, user_limit = 0, settings.user_quota_bytes
    if actor is not None:
        drive_id = await conn.fetchval(
            "select id from drive_drive where kind = 'user' and owner = $1", actor
        )
        if drive_id is not None:
            user_used = await _drive_used(conn, drive_id)
        user_limit = await _user_limit(conn, settings, actor)
    return Usage(
        tenant_used=tenant_used,
        tenant_limit=settings.tenant_quota_bytes,
        user_used=user_used,
        user_limit=user_limit,
        max_upload_bytes=settings.max_upload_bytes,
    )


def _insufficient(whose: str, limit: int, used: int, needed: int) -> NoReturn:
    raise HTTPException(
        f"{whose} storage quota of {limit} bytes is used up: {used} bytes are used and "
        f"{needed} more are needed",
        status_code=507,
        extra={"quota": whose, "limit": limit, "used": used, "needed": needed},
    )


async def check_quota(
    conn: Connection, settings: DriveSettings, drive: Mapping[str, Any], needed: int
) -> None:
    """Refuse (507) ``needed`` more bytes in ``drive`` when a quota would be exceeded."""
    if settings.tenant_quota_bytes is not None:
        used: int = await conn.fetchval("select coalesce(sum(size), 0)::bigint from drive_version")
        if used + needed > settings.tenant_quota_bytes:
            _insufficient("the tenant's", settings.tenant_quota_bytes, used, needed)
    if drive["kind"] == "user":
        limit = await _user_limit(conn, settings, drive["owner"])
        if limit is not None:
            used = await _drive_used(conn, drive["id"])
            if used + needed > limit:
                _insufficient("the user's", limit, used, needed)
