"""The workbooks the caller may open, newest first, a page at a time.

Sheets records each workbook it makes (``sheets_workbook``); Drive decides who may open which
(``drive.files.access``), so rows are read in batches and those the caller holds no role
on (not shared with them, or gone from Drive) are passed over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from litestar.exceptions import NotFoundException
from nexus_hookspecs.http import Page, after_id, page_of

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services

__all__ = ("Listed", "list_visible", "record")

_BATCH = 100


class Listed(msgspec.Struct, kw_only=True):
    """A workbook in the list: its Drive file's id and name, who made it and when."""

    id: UUID
    name: str
    created_by: str
    created_at: str


async def record(conn: Connection, *, file_id: UUID, name: str, actor: str) -> None:
    """Remember a workbook Sheets made, for the list."""
    await conn.execute(
        "insert into sheets_workbook (id, name, created_by) values ($1, $2, $3)",
        file_id,
        name,
        actor,
    )


async def list_visible(
    conn: Connection, services: Services, *, actor: str, cursor: str | None, limit: int
) -> Page[Listed]:
    """One page of the workbooks ``actor`` holds a Drive role on, newest first."""
    before = after_id(cursor)
    found: list[Listed] = []
    while len(found) <= limit:
        rows = await conn.fetch(
            "select id, name, created_by, created_at::text as created_at from sheets_workbook "
            "where ($1::uuid is null or id < $1) order by id desc limit $2",
            before,
            _BATCH,
        )
        for row in rows:
            data: dict[str, Any] = {"file_id": str(row["id"]), "actor": actor}
            try:
                await services.call(conn, "drive.files.access", data, result=dict[str, Any])
            except NotFoundException:
                continue
            found.append(msgspec.convert(dict(row), Listed))
            if len(found) > limit:
                break
        if len(rows) < _BATCH:
            break
        before = rows[-1]["id"]
    return page_of(found, limit)
