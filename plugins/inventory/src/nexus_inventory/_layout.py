"""A tenant's starting point: virtual locations and the default warehouse.

Seeded when the plugin is enabled for the tenant (``nexus_tenant_enable``, which the kernel
runs once per tenant before the plugin serves it a request or an event); routes and handlers
then only read it. The statements are idempotent: unique indexes settle concurrent seeds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_inventory._settings import InventorySettings

__all__ = (
    "VIRTUAL_KINDS",
    "Layout",
    "create_warehouse",
    "read_layout",
    "seed_layout",
)

VIRTUAL_KINDS = ("supplier", "customer", "adjustment")
_VIRTUAL_NAMES = {
    "supplier": "Partners/Suppliers",
    "customer": "Partners/Customers",
    "adjustment": "Virtual/Inventory adjustment",
}


class Layout(msgspec.Struct, frozen=True, kw_only=True):
    """The locations moves default to."""

    warehouse_id: UUID
    stock: UUID
    supplier: UUID
    customer: UUID
    adjustment: UUID


async def _find_layout(conn: Connection) -> Layout | None:
    """The tenant's default warehouse stock location and virtual locations, if all exist."""
    rows = await conn.fetch(
        "select kind, id from inventory_location where kind <> 'internal' "
        "union all select 'stock', stock_location_id from inventory_warehouse "
        "where is_default and stock_location_id is not null "
        "union all select 'warehouse', id from inventory_warehouse where is_default"
    )
    found: dict[str, Any] = {row["kind"]: row["id"] for row in rows}
    if set(found) != {*VIRTUAL_KINDS, "stock", "warehouse"}:
        return None
    return Layout(
        warehouse_id=found["warehouse"],
        stock=found["stock"],
        supplier=found["supplier"],
        customer=found["customer"],
        adjustment=found["adjustment"],
    )


async def read_layout(conn: Connection) -> Layout:
    """The tenant's layout, seeded when the plugin was enabled for it."""
    found = await _find_layout(conn)
    if found is None:  # pragma: no cover - the kernel runs nexus_tenant_enable first
        raise RuntimeError("the tenant's inventory layout is missing: was the plugin enabled?")
    return found


async def seed_layout(conn: Connection, settings: InventorySettings) -> Layout:
    """Return the tenant's layout, creating what is missing (idempotent)."""
    found = await _find_layout(conn)
    if found is not None:
        return found
    for kind in VIRTUAL_KINDS:
        await conn.execute(
            "insert into inventory_location (id, name, kind) values ($1, $2, $3) "
            "on conflict (tenant_id, kind) where kind <> 'internal' do nothing",
            new_id(),
            _VIRTUAL_NAMES[kind],
            kind,
        )
    has_default = await conn.fetchval("select true from inventory_warehouse where is_default")
    if not has_default:
        code = settings.default_warehouse_code
        taken = await conn.fetchval("select true from inventory_warehouse where code = $1", code)
        if taken:  # a warehouse already has the preset's code: it becomes the default
            await conn.execute(
                "update inventory_warehouse set is_default = true where code = $1", code
            )
        else:
            await create_warehouse(
                conn, name=settings.default_warehouse_name, code=code, is_default=True
            )
    found = await _find_layout(conn)
    if found is None:  # pragma: no cover - the statements above make every part
        raise RuntimeError("the inventory layout could not be created")
    return found


async def create_warehouse(
    conn: Connection, *, name: str, code: str, is_default: bool = False
) -> UUID | None:
    """Create a warehouse with its stock location; return its id.

    Returns ``None`` when the code is taken, or when another default warehouse won a race.
    """
    warehouse_id, stock_id = new_id(), new_id()
    created = await conn.fetchval(
        "insert into inventory_warehouse (id, code, name, stock_location_id, is_default) "
        "values ($1, $2, $3, $4, $5) on conflict do nothing returning id",
        warehouse_id,
        code,
        name,
        stock_id,
        is_default,
    )
    if created is None:
        return None
    await conn.execute(
        "insert into inventory_location (id, name, kind, warehouse_id) "
        "values ($1, $2, 'internal', $3)",
        stock_id,
        f"{code}/Stock",
        warehouse_id,
    )
    return warehouse_id
