"""Tags: labels for contacts and companies, and the links between them."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID  # noqa: TC003

import asyncpg
import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import BY_ID, Page, conflict, not_found

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_crm._validation import Errors

__all__ = (
    "TagIn",
    "TagPatch",
    "TagOut",
    "check_tags",
    "link_tags",
    "load_tag",
    "save_tag",
    "tag_ids_by_name",
    "tag_named",
    "tag_page",
)

TagName = Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern=r"\S")]
Color = Annotated[str, msgspec.Meta(pattern=r"^#[0-9A-Fa-f]{6}$", examples=["#1E88E5"])]


class TagIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A tag: a unique name (case-insensitively) and an optional colour."""

    name: TagName
    color: Color | None = None


class TagPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a tag."""

    name: TagName | msgspec.UnsetType = msgspec.UNSET
    color: Color | None | msgspec.UnsetType = msgspec.UNSET


class TagOut(msgspec.Struct, kw_only=True):
    """A tag as the API shows it."""

    id: UUID
    name: str
    color: str | None
    created_at: datetime


_COLUMNS = "id, name, color, created_at"


def _tag(row: Any) -> TagOut:
    if row is None:
        not_found()
    return msgspec.convert(dict(row), TagOut)


async def load_tag(conn: Connection, tag_id: UUID) -> TagOut:
    """One tag (404 when missing)."""
    return _tag(await conn.fetchrow(f"select {_COLUMNS} from crm_tag where id = $1", tag_id))


async def tag_named(conn: Connection, name: str) -> TagOut | None:
    """The tag named ``name`` ignoring case, or ``None``."""
    row = await conn.fetchrow(
        f"select {_COLUMNS} from crm_tag where lower(name) = lower($1)", name.strip()
    )
    return None if row is None else _tag(row)


async def tag_page(conn: Connection, *, cursor: str | None, limit: int) -> Page[TagOut]:
    """One page of the tenant's tags, oldest first."""
    args: list[Any] = []
    rows = await conn.fetch(
        BY_ID.sql(f"select {_COLUMNS} from crm_tag", args, cursor, limit), *args
    )
    return BY_ID.page(rows, limit, _tag)


async def save_tag(conn: Connection, tag_id: UUID | None, data: TagIn) -> TagOut:
    """Create (``tag_id`` ``None``) or replace a tag; 409 when its name is taken."""
    try:
        if tag_id is None:
            row = await conn.fetchrow(
                f"insert into crm_tag (id, name, color) values ($1, $2, $3) returning {_COLUMNS}",
                new_id(),
                data.name.strip(),
                data.color,
            )
        else:
            row = await conn.fetchrow(
                f"update crm_tag set name = $2, color = $3 where id = $1 returning {_COLUMNS}",
                tag_id,
                data.name.strip(),
                data.color,
            )
    except asyncpg.UniqueViolationError:
        conflict(f"a tag named {data.name.strip()!r} exists")
    return _tag(row)


async def link_tags(
    conn: Connection, *, table: str, column: str, owner_id: UUID, tag_ids: list[UUID]
) -> None:
    """Make ``owner_id``'s tags exactly ``tag_ids`` (checked to exist beforehand)."""
    await conn.execute(
        f"delete from {table} where {column} = $1 and not (tag_id = any($2::uuid[]))",
        owner_id,
        tag_ids,
    )
    if tag_ids:
        await conn.execute(
            f"insert into {table} (id, {column}, tag_id) "
            "select i, $1, t from unnest($2::uuid[], $3::uuid[]) as u(i, t) "
            "on conflict do nothing",
            owner_id,
            [new_id() for _ in tag_ids],
            tag_ids,
        )


async def check_tags(conn: Connection, errors: Errors, tag_ids: list[UUID]) -> list[UUID]:
    """The distinct ``tag_ids``; an error on ``tag_ids`` for any that is not a tag."""
    wanted = list(dict.fromkeys(tag_ids))
    if not wanted:
        return wanted
    found = await conn.fetch("select id from crm_tag where id = any($1::uuid[])", wanted)
    missing = set(wanted) - {row["id"] for row in found}
    if missing:
        errors.add("tag_ids", f"no such tag: {', '.join(sorted(map(str, missing)))}")
    return wanted


async def tag_ids_by_name(conn: Connection, names: list[str]) -> list[UUID]:
    """The ids of the tags named ``names`` (ignoring case), creating the missing ones."""
    ids = []
    for name in dict.fromkeys(name.strip() for name in names if name.strip()):
        tag_id = await conn.fetchval("select id from crm_tag where lower(name) = lower($1)", name)
        if tag_id is None:
            tag_id = await conn.fetchval(
                "insert into crm_tag (id, name) values ($1, $2) "
                "on conflict (tenant_id, lower(name)) do update set name = crm_tag.name "
                "returning id",
                new_id(),
                name,
            )
        ids.append(tag_id)
    return ids
