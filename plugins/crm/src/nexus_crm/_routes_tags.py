"""Tags: labels for contacts and companies."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID  # noqa: TC003 - Litestar reads it at run time

import msgspec
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.openapi import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs.http import Cursor, Db, Limit, Page, not_found, route_opt

from nexus_crm._examples import body
from nexus_crm._keys import CONTACTS_READ, CONTACTS_WRITE
from nexus_crm._tags import TagIn, TagOut, TagPatch, load_tag, save_tag, tag_named, tag_page

__all__ = ("TagController",)

_READ = route_opt(permission=CONTACTS_READ)
_WRITE = route_opt(permission=CONTACTS_WRITE)


class TagController(Controller):
    """Tags for contacts and companies."""

    path = "/tags"
    tags = ["crm: tags"]

    @get("/", summary="List tags", opt=_READ)
    async def list_tags(self, db: Db, limit: Limit = 50, cursor: Cursor = None) -> Page[TagOut]:
        """The tenant's tags, oldest first."""
        async with db.transaction() as conn:
            return await tag_page(conn, cursor=cursor, limit=limit)

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
            found = await tag_named(conn, data.name)
            if found is not None:
                return Response(found, status_code=200)
            return Response(await save_tag(conn, None, data), status_code=201)

    @get("/{tag_id:uuid}", summary="Show a tag", opt=_READ)
    async def show_tag(self, db: Db, tag_id: FromPath[UUID]) -> TagOut:
        """One tag."""
        async with db.transaction() as conn:
            return await load_tag(conn, tag_id)

    @put("/{tag_id:uuid}", summary="Replace a tag", opt=_WRITE)
    async def replace_tag(
        self,
        db: Db,
        tag_id: FromPath[UUID],
        data: Annotated[TagIn, body("PUT /tags/{tag_id}", "A renamed, blue tag")],
    ) -> TagOut:
        """Every field of a tag."""
        async with db.transaction() as conn:
            return await save_tag(conn, tag_id, data)

    @patch("/{tag_id:uuid}", summary="Change a tag", opt=_WRITE)
    async def change_tag(
        self,
        db: Db,
        tag_id: FromPath[UUID],
        data: Annotated[TagPatch, body("PATCH /tags/{tag_id}", "A new colour")],
    ) -> TagOut:
        """Some fields of a tag; the others stay."""
        async with db.transaction() as conn:
            current = await load_tag(conn, tag_id)
            merged = TagIn(
                name=current.name if isinstance(data.name, msgspec.UnsetType) else data.name,
                color=current.color if isinstance(data.color, msgspec.UnsetType) else data.color,
            )
            return await save_tag(conn, tag_id, merged)

    @delete("/{tag_id:uuid}", summary="Delete a tag", opt=_WRITE)
    async def delete_tag(self, db: Db, tag_id: FromPath[UUID]) -> None:
        """Delete a tag; it comes off every contact and company."""
        async with db.transaction() as conn:
            gone = await conn.fetchval("delete from crm_tag where id = $1 returning id", tag_id)
        if gone is None:
            not_found()
