"""Tags: labels for contacts and companies, and the links between them."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads it at run time
from typing import TYPE_CHECKING, Annotated
from uuid import UUID  # noqa: TC003

import asyncpg
import msgspec
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.openapi import ResponseSpec
from litestar.params import FromPath

from nexus_crm._common import (
    CONTACTS_WRITE,
    CursorParam,
    Db,
    LimitParam,
    Page,
    conflict,
    decode_cursor,
    new_id,
    not_found,
    page_of,
)
from nexus_crm._examples import body

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_crm._validation import Errors

__all__ = ("TagController", "check_tags", "link_tags", "tag_ids_by_name")

_WRITE = {"permission": CONTACTS_WRITE}
TagName = Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern=r"\S")]
Color = Annotated[str, msgspec.Meta(pattern=r"^#[0-9A-Fa-f]{6}$", examples=["#1E88E5"])]


class TagIn(msgspec.Struct, kw_only=True):
    """A tag: a unique name (case-insensitively) and an optional colour."""

    name: TagName
    color: Color | None = None


class TagPatch(msgspec.Struct, kw_only=True):
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


def _tag(row: object) -> TagOut:
    if row is None:
        raise not_found()
    return msgspec.convert(dict(row), TagOut)  # type: ignore[call-overload]


async def _save(conn: Connection, tag_id: UUID | None, data: TagIn) -> TagOut:
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
        raise conflict(f"a tag named {data.name.strip()!r} exists") from None
    return _tag(row)


class TagController(Controller):
    """Tags for contacts and companies."""

    path = "/tags"
    tags = ["crm: tags"]

    @get("/", summary="List tags")
    async def list_tags(
        self, db: Db, limit: LimitParam = 50, cursor: CursorParam = None
    ) -> Page[TagOut]:
        """The tenant's tags, oldest first."""
        after = decode_cursor(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {_COLUMNS} from crm_tag where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after,
                limit + 1,
            )
        return page_of([_tag(row) for row in rows], limit, lambda tag: tag.id)

    @post(
        "/",
        summary="Create a tag (or get the one of that name)",
        opt=_WRITE,
        responses={200: ResponseSpec(data_container=TagOut, description="The tag existed.")},
    )
    async def create_tag(
        self, db: Db, data: Annotated[TagIn, body("POST /tags", "A red VIP tag")]
    ) -> Response[TagOut]:
        """A new tag (201), or the existing tag of the same name, ignoring case (200).

        Tags are labels: asking for one that exists gives it back unchanged, as importing a
        CSV with tag names does.
        """
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {_COLUMNS} from crm_tag where lower(name) = lower($1)", data.name.strip()
            )
            if row is not None:
                return Response(_tag(row), status_code=200)
            return Response(await _save(conn, None, data), status_code=201)

    @get("/{tag_id:uuid}", summary="Show a tag")
    async def show_tag(self, db: Db, tag_id: FromPath[UUID]) -> TagOut:
        """One tag."""
        async with db.transaction() as conn:
            return _tag(
                await conn.fetchrow(f"select {_COLUMNS} from crm_tag where id = $1", tag_id)
            )

    @put("/{tag_id:uuid}", summary="Replace a tag", opt=_WRITE)
    async def replace_tag(
        self,
        db: Db,
        tag_id: FromPath[UUID],
        data: Annotated[TagIn, body("PUT /tags/{tag_id}", "A renamed, blue tag")],
    ) -> TagOut:
        """Every field of a tag."""
        async with db.transaction() as conn:
            return await _save(conn, tag_id, data)

    @patch("/{tag_id:uuid}", summary="Change a tag", opt=_WRITE)
    async def change_tag(
        self,
        db: Db,
        tag_id: FromPath[UUID],
        data: Annotated[TagPatch, body("PATCH /tags/{tag_id}", "A new colour")],
    ) -> TagOut:
        """Some fields of a tag; the others stay."""
        async with db.transaction() as conn:
            current = _tag(
                await conn.fetchrow(f"select {_COLUMNS} from crm_tag where id = $1", tag_id)
            )
            merged = TagIn(
                name=current.name if isinstance(data.name, msgspec.UnsetType) else data.name,
                color=current.color if isinstance(data.color, msgspec.UnsetType) else data.color,
            )
            return await _save(conn, tag_id, merged)

    @delete("/{tag_id:uuid}", summary="Delete a tag", opt=_WRITE)
    async def delete_tag(self, db: Db, tag_id: FromPath[UUID]) -> None:
        """Delete a tag; it comes off every contact and company."""
        async with db.transaction() as conn:
            if (
                await conn.fetchval("delete from crm_tag where id = $1 returning id", tag_id)
                is None
            ):
                raise not_found()


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
