"""``/warehouses``: where stock sits; each warehouse has a stock location."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    after_id,
    conflict,
    not_found,
    page_of,
    route_opt,
)

from nexus_inventory._examples import body
from nexus_inventory._fields import Name
from nexus_inventory._keys import WAREHOUSES_READ, WAREHOUSES_WRITE
from nexus_inventory._layout import create_warehouse

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("WarehouseChanges", "WarehouseController", "WarehouseCreate", "WarehouseOut")

Code = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$", examples=["WH"]),
]


class WarehouseCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new warehouse; its stock location is made with it. Without ``code``, one is made."""

    name: Name
    code: Code | None = None


class WarehouseChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a warehouse."""

    name: Name | None = None
    code: Code | None = None


class WarehouseOut(msgspec.Struct, kw_only=True):
    """A warehouse with its stock location."""

    id: UUID
    code: str
    name: str
    stock_location_id: UUID | None
    is_default: bool
    created_at: datetime


def _warehouse(row: Mapping[str, Any] | None) -> WarehouseOut:
    if row is None:
        not_found()
    return msgspec.convert(dict(row), WarehouseOut, strict=False)


class WarehouseController(Controller):
    """Warehouses; each has a stock location, and one is the tenant's default."""

    path = "/warehouses"
    tags = ["inventory"]

    @get("/", summary="List warehouses", opt=route_opt(permission=WAREHOUSES_READ))
    async def list_warehouses(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[WarehouseOut]:
        """Warehouses, oldest first (the default one is seeded when the plugin is enabled)."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from inventory_warehouse where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after,
                limit + 1,
            )
        return page_of([_warehouse(row) for row in rows], limit)

    @post("/", summary="Create a warehouse", opt=route_opt(permission=WAREHOUSES_WRITE))
    async def create_warehouse(
        self,
        db: Db,
        data: Annotated[WarehouseCreate, body("POST /warehouses", "A second warehouse")],
    ) -> WarehouseOut:
        """Create a warehouse and its stock location; 409 when the code is taken."""
        code = data.code or f"W{new_id().hex[-6:].upper()}"
        async with db.transaction() as conn:
            warehouse_id = await create_warehouse(conn, name=data.name, code=code)
            if warehouse_id is None:
                conflict(f"a warehouse with code {code} exists", code=code)
            row = await conn.fetchrow(
                "select * from inventory_warehouse where id = $1", warehouse_id
            )
        return _warehouse(row)

    @get(
        "/{warehouse_id:uuid}",
        summary="Show a warehouse",
        opt=route_opt(permission=WAREHOUSES_READ),
    )
    async def show_warehouse(self, db: Db, warehouse_id: FromPath[UUID]) -> WarehouseOut:
        """One warehouse."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select * from inventory_warehouse where id = $1", warehouse_id
            )
        return _warehouse(row)

    @patch(
        "/{warehouse_id:uuid}",
        summary="Change a warehouse",
        opt=route_opt(permission=WAREHOUSES_WRITE),
    )
    async def change_warehouse(
        self,
        db: Db,
        warehouse_id: FromPath[UUID],
        data: Annotated[WarehouseChanges, body("PATCH /warehouses/{warehouse_id}", "A new name")],
    ) -> WarehouseOut:
        """Rename a warehouse or change its code (409 when taken)."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select * from inventory_warehouse where id = $1 for update", warehouse_id
            )
            if row is None:
                not_found()
            if data.code is not None and data.code != row["code"]:
                taken = await conn.fetchval(
                    "select true from inventory_warehouse where code = $1", data.code
                )
                if taken:
                    conflict(f"a warehouse with code {data.code} exists", code=data.code)
            row = await conn.fetchrow(
                "update inventory_warehouse set name = coalesce($2, name), "
                "code = coalesce($3, code) where id = $1 returning *",
                warehouse_id,
                data.name,
                data.code,
            )
        return _warehouse(row)
