"""``/warehouses`` and ``/locations``: where stock sits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, QueryParameter

from nexus_inventory._common import (
    Conflict,
    CursorParam,
    LimitParam,
    Page,
    after_cursor,
    invalid,
    new_id,
    not_found,
    page_of,
)
from nexus_inventory._deps import (
    WAREHOUSES_WRITE,
    Context,
    Db,
    Settings,
    opt,
    tenant_layout,
    tenant_settings,
)
from nexus_inventory._examples import body
from nexus_inventory._schemas import (
    LocationChanges,
    LocationCreate,
    LocationOut,
    WarehouseChanges,
    WarehouseCreate,
    WarehouseOut,
)
from nexus_inventory._setup import create_warehouse

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = ("LocationController", "WarehouseController")


def _warehouse(row: Mapping[str, Any] | None) -> WarehouseOut:
    if row is None:
        raise not_found()
    return msgspec.convert(dict(row), WarehouseOut, strict=False)


def _location(row: Mapping[str, Any] | None) -> LocationOut:
    if row is None:
        raise not_found()
    return msgspec.convert(dict(row), LocationOut, strict=False)


async def _ensure(conn: Connection, plugin_settings: Settings, context: Context) -> None:
    await tenant_layout(conn, await tenant_settings(plugin_settings, context))


class WarehouseController(Controller):
    """Warehouses; each has a stock location, and one is the tenant's default."""

    path = "/warehouses"
    tags = ["inventory"]

    @get("/", summary="List warehouses")
    async def list_warehouses(
        self,
        db: Db,
        plugin_settings: Settings,
        context: Context,
        cursor: CursorParam = None,
        limit: LimitParam = 50,
    ) -> Page[WarehouseOut]:
        """Warehouses, oldest first (the default one is made on first use)."""
        after = after_cursor(cursor)
        async with db.transaction() as conn:
            await _ensure(conn, plugin_settings, context)
            rows = await conn.fetch(
                "select * from inventory_warehouse where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after,
                limit + 1,
            )
        return page_of([_warehouse(row) for row in rows], limit)

    @post("/", summary="Create a warehouse", opt=opt(WAREHOUSES_WRITE))
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
                raise Conflict(detail=f"a warehouse with code {code} exists", extra={"code": code})
            row = await conn.fetchrow(
                "select * from inventory_warehouse where id = $1", warehouse_id
            )
        return _warehouse(row)

    @get("/{warehouse_id:uuid}", summary="Show a warehouse")
    async def show_warehouse(self, db: Db, warehouse_id: FromPath[UUID]) -> WarehouseOut:
        """One warehouse."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select * from inventory_warehouse where id = $1", warehouse_id
            )
        return _warehouse(row)

    @patch("/{warehouse_id:uuid}", summary="Change a warehouse", opt=opt(WAREHOUSES_WRITE))
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
                raise not_found()
            if data.code is not None and data.code != row["code"]:
                taken = await conn.fetchval(
                    "select true from inventory_warehouse where code = $1", data.code
                )
                if taken:
                    raise Conflict(detail=f"a warehouse with code {data.code} exists")
            row = await conn.fetchrow(
                "update inventory_warehouse set name = coalesce($2, name), "
                "code = coalesce($3, code) where id = $1 returning *",
                warehouse_id,
                data.name,
                data.code,
            )
        return _warehouse(row)


class LocationController(Controller):
    """Locations: internal ones in warehouses, and the virtual supplier, customer, adjustment."""

    path = "/locations"
    tags = ["inventory"]

    @get("/", summary="List locations")
    async def list_locations(
        self,
        db: Db,
        plugin_settings: Settings,
        context: Context,
        cursor: CursorParam = None,
        limit: LimitParam = 50,
        kind: Annotated[
            str | None,
            QueryParameter(
                description="Only this kind.",
                enum=["internal", "supplier", "customer", "adjustment"],
            ),
        ] = None,
        warehouse_id: Annotated[UUID | None, QueryParameter(description="In it only.")] = None,
    ) -> Page[LocationOut]:
        """Locations, oldest first."""
        after = after_cursor(cursor)
        async with db.transaction() as conn:
            await _ensure(conn, plugin_settings, context)
            rows = await conn.fetch(
                "select * from inventory_location where ($1::uuid is null or id > $1) "
                "and ($2::text is null or kind = $2) "
                "and ($3::uuid is null or warehouse_id = $3) order by id limit $4",
                after,
                kind,
                warehouse_id,
                limit + 1,
            )
        return page_of([_location(row) for row in rows], limit)

    @post("/", summary="Create an internal location", opt=opt(WAREHOUSES_WRITE))
    async def create_location(
        self,
        db: Db,
        plugin_settings: Settings,
        context: Context,
        data: Annotated[
            LocationCreate, body("POST /locations", "A shelf in the default warehouse")
        ],
    ) -> LocationOut:
        """Create an internal location in a warehouse (the default one unless named)."""
        settings = await tenant_settings(plugin_settings, context)
        async with db.transaction() as conn:
            warehouse_id = data.warehouse_id or (await tenant_layout(conn, settings)).warehouse_id
            if not await conn.fetchval(
                "select true from inventory_warehouse where id = $1", warehouse_id
            ):
                raise invalid("warehouse_id", "no such warehouse")
            row = await conn.fetchrow(
                "insert into inventory_location (id, name, kind, warehouse_id) "
                "values ($1, $2, 'internal', $3) returning *",
                new_id(),
                data.name,
                warehouse_id,
            )
        return _location(row)

    @get("/{location_id:uuid}", summary="Show a location")
    async def show_location(self, db: Db, location_id: FromPath[UUID]) -> LocationOut:
        """One location."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from inventory_location where id = $1", location_id)
        return _location(row)

    @patch("/{location_id:uuid}", summary="Rename a location", opt=opt(WAREHOUSES_WRITE))
    async def change_location(
        self,
        db: Db,
        location_id: FromPath[UUID],
        data: Annotated[LocationChanges, body("PATCH /locations/{location_id}", "A new name")],
    ) -> LocationOut:
        """Rename a location."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update inventory_location set name = coalesce($2, name) where id = $1 returning *",
                location_id,
                data.name,
            )
        return _location(row)
