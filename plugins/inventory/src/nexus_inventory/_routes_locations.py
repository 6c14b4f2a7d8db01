"""``/locations``: internal ones in warehouses, and the virtual supplier, customer, adjustment."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    after_id,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_inventory._examples import body
from nexus_inventory._fields import Name
from nexus_inventory._keys import WAREHOUSES_READ, WAREHOUSES_WRITE
from nexus_inventory._layout import read_layout

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("LocationChanges", "LocationController", "LocationCreate", "LocationOut")


class LocationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new internal location, in the default warehouse unless ``warehouse_id`` names one."""

    name: Name
    warehouse_id: UUID | None = None


class LocationChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A location's new name."""

    name: Name | None = None


class LocationOut(msgspec.Struct, kw_only=True):
    """A location: ``internal`` (in a warehouse) or virtual (supplier, customer, adjustment)."""

    id: UUID
    name: str
    kind: str
    warehouse_id: UUID | None
    created_at: datetime


def _location(row: Mapping[str, Any] | None) -> LocationOut:
    if row is None:
        not_found()
    return msgspec.convert(dict(row), LocationOut, strict=False)


class LocationController(Controller):
    """Locations: internal ones in warehouses, and the virtual supplier, customer, adjustment."""

    path = "/locations"
    tags = ["inventory"]

    @get("/", summary="List locations", opt=route_opt(permission=WAREHOUSES_READ))
    async def list_locations(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
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
        after = after_id(cursor)
        async with db.transaction() as conn:
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

    @post("/", summary="Create an internal location", opt=route_opt(permission=WAREHOUSES_WRITE))
    async def create_location(
        self,
        db: Db,
        data: Annotated[
            LocationCreate, body("POST /locations", "A shelf in the default warehouse")
        ],
    ) -> LocationOut:
        """Create an internal location in a warehouse (the default one unless named)."""
        async with db.transaction() as conn:
            warehouse_id = data.warehouse_id or (await read_layout(conn)).warehouse_id
            if not await conn.fetchval(
                "select true from inventory_warehouse where id = $1", warehouse_id
            ):
                invalid("warehouse_id", "no such warehouse")
            row = await conn.fetchrow(
                "insert into inventory_location (id, name, kind, warehouse_id) "
                "values ($1, $2, 'internal', $3) returning *",
                new_id(),
                data.name,
                warehouse_id,
            )
        return _location(row)

    @get(
        "/{location_id:uuid}", summary="Show a location", opt=route_opt(permission=WAREHOUSES_READ)
    )
    async def show_location(self, db: Db, location_id: FromPath[UUID]) -> LocationOut:
        """One location."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from inventory_location where id = $1", location_id)
        return _location(row)

    @patch(
        "/{location_id:uuid}",
        summary="Rename a location",
        opt=route_opt(permission=WAREHOUSES_WRITE),
    )
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
