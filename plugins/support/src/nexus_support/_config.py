"""Reading and writing the configuration rows: one generic helper per verb.

Teams, queues, calendars, SLA policies and canned responses are plain rows; the routes
shape them with their own Structs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import after_id, not_found, page_of

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Page

__all__ = ("insert_row", "list_rows", "show_row")

T = TypeVar("T", bound=msgspec.Struct)

TABLES = frozenset(
    {"support_team", "support_queue", "support_calendar", "support_sla_policy", "support_canned"}
)


def _columns(out: type[msgspec.Struct]) -> str:
    return ", ".join(field.name for field in msgspec.structs.fields(out))


async def insert_row(conn: Connection, table: str, values: dict[str, Any], out: type[T]) -> T:
    """Insert a row of ``table`` with a new id and answer it as ``out``."""
    assert table in TABLES
    names = list(values)
    marks = ", ".join(f"${n + 2}" for n in range(len(names)))
    row = await conn.fetchrow(
        f"insert into {table} (id, {', '.join(names)}) values ($1, {marks}) "
        f"returning {_columns(out)}",
        new_id(),
        *values.values(),
    )
    return msgspec.convert(dict(row or {}), out)


async def show_row(conn: Connection, table: str, row_id: UUID, out: type[T]) -> T:
    """One row of ``table`` as ``out``; 404 when missing (another tenant's included)."""
    assert table in TABLES
    row = await conn.fetchrow(f"select {_columns(out)} from {table} where id = $1", row_id)
    if row is None:
        not_found()
    return msgspec.convert(dict(row), out)


async def list_rows(
    conn: Connection, table: str, out: type[T], *, cursor: str | None, limit: int
) -> Page[T]:
    """A creation-order page of ``table`` as ``out``."""
    assert table in TABLES
    rows = await conn.fetch(
        f"select {_columns(out)} from {table} where ($1::uuid is null or id > $1) "
        "order by id limit $2",
        after_id(cursor),
        limit + 1,
    )
    return page_of([msgspec.convert(dict(row), out) for row in rows], limit)
