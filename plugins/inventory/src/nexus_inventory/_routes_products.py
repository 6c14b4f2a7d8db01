"""``/products``: the catalogue, and each product's stock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    FieldErrors,
    Limit,
    Page,
    TenantSettings,
    after_id,
    conflict,
    not_found,
    page_of,
    route_opt,
)

from nexus_inventory._amounts import positive, qty
from nexus_inventory._examples import body
from nexus_inventory._fields import Amount, Name, Sku
from nexus_inventory._keys import PRODUCTS_READ, PRODUCTS_WRITE
from nexus_inventory._settings import InventorySettings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = (
    "LocationStock",
    "ProductChanges",
    "ProductController",
    "ProductCreate",
    "ProductOut",
    "StockOut",
)

Uom = Annotated[str, msgspec.Meta(min_length=1, max_length=32, examples=["unit"])]
Currency = Annotated[
    str, msgspec.Meta(pattern="^[A-Z]{3}$", description="ISO 4217 code", examples=["USD"])
]


class ProductCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new product. Without ``sku`` one is generated (``P-…``)."""

    name: Name
    sku: Sku | None = None
    uom: Uom | None = None
    cost_price: Amount = Decimal(0)
    sale_price: Amount = Decimal(0)
    currency: Currency | None = None
    tracked: bool = True


class ProductChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a product; omitted ones stay as they are."""

    name: Name | None = None
    sku: Sku | None = None
    uom: Uom | None = None
    cost_price: Amount | None = None
    sale_price: Amount | None = None
    currency: Currency | None = None
    tracked: bool | None = None
    active: bool | None = None


class ProductOut(msgspec.Struct, kw_only=True):
    """A product. ``average_cost`` is in the tenant's valuation currency."""

    id: UUID
    sku: str
    name: str
    uom: str
    cost_price: str
    sale_price: str
    currency: str
    tracked: bool
    active: bool
    average_cost: str
    created_at: datetime


class LocationStock(msgspec.Struct, kw_only=True):
    """A product's quantities at one location."""

    location_id: UUID
    location: str
    warehouse_id: UUID | None
    on_hand: str
    reserved: str
    available: str


class StockOut(msgspec.Struct, kw_only=True):
    """A product's quantities over its internal locations: available = on hand − reserved."""

    product_id: UUID
    sku: str
    on_hand: str
    reserved: str
    available: str
    locations: list[LocationStock]


_CHANGEABLE = ("name", "sku", "uom", "cost_price", "sale_price", "currency", "tracked", "active")


def _product_out(row: Mapping[str, Any]) -> ProductOut:
    """A product row as the API shows it."""
    values = dict(row)
    for name in ("cost_price", "sale_price", "average_cost"):
        values[name] = _price(Decimal(row[name]))
    values["currency"] = row["currency"].strip()
    return msgspec.convert(values, ProductOut, strict=False)


def _price(value: Decimal) -> str:
    """Cents when that loses nothing (``"12.50"``), else every significant decimal."""
    cents = value.quantize(Decimal("0.01"))
    return str(cents) if cents == value else qty(value)


async def _product(conn: Connection, product_id: UUID) -> Mapping[str, Any]:
    row = await conn.fetchrow("select * from inventory_product where id = $1", product_id)
    if row is None:
        not_found()
    return row


class ProductController(Controller):
    """Products: SKU unique per tenant, unit of measure, cost and sale price."""

    path = "/products"
    tags = ["inventory"]

    @get("/", summary="List products", opt=route_opt(permission=PRODUCTS_READ))
    async def list_products(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
        sku: Annotated[str | None, QueryParameter(description="This SKU only.")] = None,
        active: Annotated[bool | None, QueryParameter(description="Active or not.")] = None,
    ) -> Page[ProductOut]:
        """Products, oldest first."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from inventory_product where ($1::uuid is null or id > $1) "
                "and ($2::text is null or sku = $2) and ($3::boolean is null or active = $3) "
                "order by id limit $4",
                after,
                sku,
                active,
                limit + 1,
            )
        return page_of([_product_out(row) for row in rows], limit)

    @post("/", summary="Create a product", opt=route_opt(permission=PRODUCTS_WRITE))
    async def create_product(
        self,
        db: Db,
        settings: TenantSettings[InventorySettings],
        data: Annotated[ProductCreate, body("POST /products", "A desk")],
    ) -> ProductOut:
        """Create a product; 409 when its SKU is taken in the tenant."""
        errors = FieldErrors()
        positive(errors, "cost_price", data.cost_price, zero=True)
        positive(errors, "sale_price", data.sale_price, zero=True)
        errors.raise_if_any()
        product_id = new_id()
        sku = data.sku or f"P-{product_id.hex[-10:].upper()}"
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into inventory_product (id, sku, name, uom, cost_price, sale_price, "
                "currency, tracked) values ($1, $2, $3, $4, $5, $6, $7, $8) "
                "on conflict (tenant_id, sku) do nothing returning *",
                product_id,
                sku,
                data.name,
                data.uom or settings.default_uom,
                data.cost_price,
                data.sale_price,
                data.currency or settings.valuation_currency,
                data.tracked,
            )
        if row is None:
            conflict(f"a product with SKU {sku} exists", sku=sku)
        return _product_out(row)

    @get("/{product_id:uuid}", summary="Show a product", opt=route_opt(permission=PRODUCTS_READ))
    async def show_product(self, db: Db, product_id: FromPath[UUID]) -> ProductOut:
        """One product."""
        async with db.transaction() as conn:
            return _product_out(await _product(conn, product_id))

    @patch(
        "/{product_id:uuid}", summary="Change a product", opt=route_opt(permission=PRODUCTS_WRITE)
    )
    async def change_product(
        self,
        db: Db,
        product_id: FromPath[UUID],
        data: Annotated[ProductChanges, body("PATCH /products/{product_id}", "A new sale price")],
    ) -> ProductOut:
        """Change some fields; 409 when the new SKU is taken."""
        changes = {
            name: getattr(data, name) for name in _CHANGEABLE if getattr(data, name) is not None
        }
        errors = FieldErrors()
        for name in ("cost_price", "sale_price"):
            if name in changes:
                positive(errors, name, changes[name], zero=True)
        errors.raise_if_any()
        async with db.transaction() as conn:
            await _product(conn, product_id)
            if "sku" in changes:
                taken = await conn.fetchval(
                    "select true from inventory_product where sku = $1 and id <> $2",
                    changes["sku"],
                    product_id,
                )
                if taken:
                    conflict(f"a product with SKU {changes['sku']} exists", sku=changes["sku"])
            if not changes:
                return _product_out(await _product(conn, product_id))
            assignments = ", ".join(f"{name} = ${i}" for i, name in enumerate(changes, start=2))
            row = await conn.fetchrow(
                f"update inventory_product set {assignments} where id = $1 returning *",
                product_id,
                *changes.values(),
            )
            assert row is not None
            return _product_out(row)

    @delete(
        "/{product_id:uuid}", summary="Delete a product", opt=route_opt(permission=PRODUCTS_WRITE)
    )
    async def delete_product(self, db: Db, product_id: FromPath[UUID]) -> None:
        """Delete a product that never moved; 409 otherwise (archive it: ``active: false``).

        A product without moves has no stock and no valuation: nothing is booked.
        """
        async with db.transaction() as conn:
            await _product(conn, product_id)
            if await conn.fetchval(
                "select true from inventory_move where product_id = $1 limit 1", product_id
            ):
                conflict("the product has stock moves: archive it instead")
            await conn.execute("delete from inventory_product where id = $1", product_id)

    @get(
        "/{product_id:uuid}/stock",
        summary="Show a product's stock",
        opt=route_opt(permission=PRODUCTS_READ),
    )
    async def show_stock(self, db: Db, product_id: FromPath[UUID]) -> StockOut:
        """On hand, reserved and available per internal location, and in total."""
        async with db.transaction() as conn:
            product = await _product(conn, product_id)
            rows = await conn.fetch(_STOCK, product_id)
        locations = [
            LocationStock(
                location_id=row["id"],
                location=row["name"],
                warehouse_id=row["warehouse_id"],
                on_hand=qty(row["on_hand"]),
                reserved=qty(row["reserved"]),
                available=qty(row["on_hand"] - row["reserved"]),
            )
            for row in rows
        ]
        on_hand = sum((Decimal(row["on_hand"]) for row in rows), Decimal(0))
        reserved = sum((Decimal(row["reserved"]) for row in rows), Decimal(0))
        return StockOut(
            product_id=product_id,
            sku=product["sku"],
            on_hand=qty(on_hand),
            reserved=qty(reserved),
            available=qty(on_hand - reserved),
            locations=locations,
        )


# Every internal location holding (or having held, or reserving) the product, and the
# default stock location always.
_STOCK = """
select l.id, l.name, l.warehouse_id,
       coalesce(q.quantity, 0) as on_hand,
       coalesce((select sum(r.quantity) from inventory_reservation r
                  where r.product_id = $1 and r.location_id = l.id and r.state = 'active'), 0)
           as reserved
  from inventory_location l
  left join inventory_quant q on q.location_id = l.id and q.product_id = $1
 where l.kind = 'internal'
   and (q.id is not null
        or l.id in (select stock_location_id from inventory_warehouse where is_default)
        or exists (select 1 from inventory_reservation r where r.product_id = $1
                    and r.location_id = l.id and r.state = 'active'))
 order by l.id
"""
