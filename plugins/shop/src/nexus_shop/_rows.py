"""Small SQL helpers the admin routes share: insert a Struct, patch the fields sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, not_found

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("delete_row", "insert_row", "patch_row", "same_as_existing", "sent")


def sent(data: msgspec.Struct) -> dict[str, Any]:
    """The fields of ``data`` the client sent (those not ``UNSET``)."""
    return {
        name: getattr(data, name)
        for name in data.__struct_fields__
        if getattr(data, name) is not msgspec.UNSET
    }


async def insert_row(
    conn: Connection, table: str, values: dict[str, Any], *, unique: str | None = None
) -> UUID:
    """Insert ``values`` (trusted column names) into ``table``; the new id.

    A unique violation answers 409 with ``unique`` as its detail.
    """
    row_id = new_id()
    columns = ["id", *values]
    marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    try:
        await conn.execute(
            f"insert into {table} ({', '.join(columns)}) values ({marks})",
            row_id,
            *values.values(),
        )
    except asyncpg.UniqueViolationError:
        if unique is None:
            raise
        conflict(unique)
    return row_id


async def patch_row(
    conn: Connection,
    table: str,
    row_id: UUID,
    values: dict[str, Any],
    *,
    unique: str | None = None,
) -> None:
    """Set ``values`` on the row (404 when it is not the tenant's); 409 on a duplicate."""
    if not values:
        if not await conn.fetchval(f"select 1 from {table} where id = $1", row_id):
            not_found()
        return
    sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(values, start=2))
    try:
        found = await conn.fetchval(
            f"update {table} set {sets} where id = $1 returning id", row_id, *values.values()
        )
    except asyncpg.UniqueViolationError:
        if unique is None:
            raise
        conflict(unique)
    if found is None:
        not_found()


async def delete_row(conn: Connection, table: str, row_id: UUID, *, in_use: str) -> None:
    """Delete the row (404 when it is not the tenant's; 409 ``in_use`` when referenced)."""
    try:
        gone = await conn.fetchval(f"delete from {table} where id = $1 returning id", row_id)
    except asyncpg.ForeignKeyViolationError:
        conflict(in_use)
    if gone is None:
        not_found()


async def same_as_existing(
    conn: Connection, table: str, key: str, values: dict[str, Any], *, taken: str
) -> UUID | None:
    """The id of the row whose ``key`` is ``values[key]``, when it has all ``values``.

    A create sent again answers what the first made (``None``: no such row yet); a row with
    that key and other values answers 409 ``taken``.
    """
    row = await conn.fetchrow(
        f"select id, {', '.join(values)} from {table} where {key} = $1", values[key]
    )
    if row is None:
        return None
    if any(row[name] != value for name, value in values.items()):
        conflict(taken)
    found: UUID = row["id"]
    return found
