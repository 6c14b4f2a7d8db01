"""Items: list, show, create, change, delete, under ``/api/v1/{{ cookiecutter.plugin_name }}/items``.

Handlers ask for kernel services (ports) by parameter, typed with the HTTP kit's aliases:
``db: Db`` (transactions with row-level security set to the caller's tenant),
``events: Events`` (publish into the outbox on such a transaction), ``context: Context``
(who is calling), ``settings: TenantSettings[...]`` (the caller's tenant's settings of this
plugin, held in memory: no query).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    TenantSettings,
    conflict,
    not_found,
    piccolo_page,
    route_opt,
)

from {{ cookiecutter.module }}._events import ITEM_CREATED, ItemCreated
from {{ cookiecutter.module }}._keys import ITEMS_READ, ITEMS_WRITE
from {{ cookiecutter.module }}._settings import {{ cookiecutter.__class_prefix }}Settings
from {{ cookiecutter.module }}.tables import Item

if TYPE_CHECKING:
    from piccolo.columns import Column

__all__ = ("ItemChanges", "ItemController", "ItemCreate", "ItemOut")

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Notes = Annotated[str, msgspec.Meta(max_length=10_000)]


class ItemOut(msgspec.Struct, kw_only=True):
    """An item as the API shows it."""

    id: UUID
    title: str
    notes: str
    status: str
    created_at: datetime


class ItemCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new item."""

    title: Title
    notes: Notes = ""


class ItemChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of an item; omitted ones stay as they are."""

    title: Title | None = None
    notes: Notes | None = None


_COLUMNS = (Item.id, Item.title, Item.notes, Item.status, Item.created_at)


def _item(found: list[dict[str, Any]] | dict[str, Any] | None) -> ItemOut:
    """The item a query found; 404 when it found none."""
    row = (found[0] if found else None) if isinstance(found, list) else found
    if row is None:
        # Another tenant's item is invisible (row-level security): the same 404 as none.
        not_found()
    return msgspec.convert(row, ItemOut)


class ItemController(Controller):
    """Items of the caller's tenant."""

    path = "/items"
    tags = ["{{ cookiecutter.plugin_name }}"]

    @get("/", summary="List items", opt=route_opt(permission=ITEMS_READ))
    async def list_items(self, db: Db, cursor: Cursor = None, limit: Limit = 50) -> Page[ItemOut]:
        """Items, oldest first, a page at a time: pass ``next_cursor`` as ``cursor``."""
        async with db.transaction():
            return await piccolo_page(
                Item.select(*_COLUMNS),
                Item.id,
                cursor=cursor,
                limit=limit,
                convert=lambda row: msgspec.convert(row, ItemOut),
            )

    @post("/", summary="Create an item", opt=route_opt(permission=ITEMS_WRITE))
    async def create_item(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[{{ cookiecutter.__class_prefix }}Settings],
        data: JSONBody[ItemCreate],
    ) -> ItemOut:
        """Create an item and publish ``{{ cookiecutter.plugin_name }}.item.created.v1`` with it.

        409 when the tenant already has ``max_items`` items (a setting).
        """
        async with db.transaction() as conn:
            if await Item.count() >= settings.max_items:
                conflict(f"this tenant already has {settings.max_items} items (max_items)")
            new = Item(title=data.title, notes=data.notes)
            item = _item(await Item.insert(new).returning(*_COLUMNS))
            await events.publish(
                conn,
                type=ITEM_CREATED.type,
                data=ItemCreated(id=item.id, title=item.title),
                subject=str(item.id),
            )
        return item

    @get("/{item_id:uuid}", summary="Show an item", opt=route_opt(permission=ITEMS_READ))
    async def show_item(self, db: Db, item_id: FromPath[UUID]) -> ItemOut:
        """One item; another tenant's answers 404 like a missing one."""
        async with db.transaction():
            return _item(await Item.select(*_COLUMNS).where(Item.id == item_id).first())

    @patch("/{item_id:uuid}", summary="Change an item", opt=route_opt(permission=ITEMS_WRITE))
    async def change_item(
        self, db: Db, item_id: FromPath[UUID], data: JSONBody[ItemChanges]
    ) -> ItemOut:
        """Change the title or notes of an item; omitted fields stay as they are."""
        values: dict[Column | str, Any] = {
            column: value
            for column, value in ((Item.title, data.title), (Item.notes, data.notes))
            if value is not None
        }
        async with db.transaction():
            if not values:
                return _item(await Item.select(*_COLUMNS).where(Item.id == item_id).first())
            changed = Item.update(values).where(Item.id == item_id)
            return _item(await changed.returning(*_COLUMNS))

    @delete("/{item_id:uuid}", summary="Delete an item", opt=route_opt(permission=ITEMS_WRITE))
    async def delete_item(self, db: Db, item_id: FromPath[UUID]) -> None:
        """Delete an item; 404 when there is none."""
        async with db.transaction():
            deleted = await Item.delete().where(Item.id == item_id).returning(Item.id)
        if not deleted:
            not_found()
