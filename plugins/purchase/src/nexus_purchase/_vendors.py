"""Vendors (Finance partners of kind supplier) and what they charge for products."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, Money, conflict, invalid, not_found

from nexus_purchase._amounts import MAX_AMOUNT, dec
from nexus_purchase._calls import PARTNERS_ENSURE, Partner, products

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services

__all__ = (
    "VendorCreate",
    "VendorOut",
    "VendorProductChanges",
    "VendorProductCreate",
    "VendorProductOut",
    "change_vendor_product",
    "create_vendor",
    "create_vendor_product",
    "read_vendor",
    "read_vendor_product",
)

Line = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", examples=["NGN"])]
LeadTime = Annotated[int, msgspec.Meta(ge=0, le=3650)]


class VendorCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A vendor: found or created as a Finance partner (kind ``supplier``)."""

    name: Line
    email: Annotated[str, msgspec.Meta(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    address_line1: Line | None = None
    address_line2: Line | None = None
    postal_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    city: Line | None = None
    country: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")] | None = None
    tax_id: (
        Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z .\-/]+$")]
        | None
    ) = None


class VendorOut(msgspec.Struct, kw_only=True):
    """A vendor; ``id`` is its Finance partner's id."""

    id: UUID
    name: str
    email: str | None
    country: str | None
    tax_id: str | None
    created_at: dt.datetime


class VendorProductCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What the vendor charges for an Inventory product, and how long it takes to deliver."""

    product_id: UUID
    price: Money
    currency: Currency
    lead_time_days: LeadTime = 0
    preferred: bool = False
    vendor_sku: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None


class VendorProductChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """New price, lead time or preference."""

    price: Money | None = None
    lead_time_days: LeadTime | None = None
    preferred: bool | None = None


class VendorProductOut(msgspec.Struct, kw_only=True):
    """A vendor's price for a product (decimal string); one vendor per product is preferred."""

    id: UUID
    vendor_id: UUID
    vendor_name: str
    product_id: UUID
    price: str
    currency: str
    lead_time_days: int
    preferred: bool
    vendor_sku: str | None
    created_at: dt.datetime


async def create_vendor(conn: Connection, services: Services, data: VendorCreate) -> UUID:
    """Ensure the Finance partner (kind supplier) and keep the vendor; 409 when Finance is off."""
    request = {key: value for key, value in msgspec.to_builtins(data).items() if value is not None}
    partner: Partner = await services.call(
        conn, PARTNERS_ENSURE, {**request, "kind": "supplier"}, result=Partner
    )
    await conn.execute(
        "insert into purchase_vendor (id, name, email, country, tax_id) values "
        "($1, $2, $3, $4, $5) on conflict (tenant_id, id) do update set name = excluded.name, "
        "email = coalesce(excluded.email, purchase_vendor.email), "
        "country = coalesce(excluded.country, purchase_vendor.country), "
        "tax_id = coalesce(excluded.tax_id, purchase_vendor.tax_id)",
        partner.id,
        partner.name,
        data.email,
        data.country,
        data.tax_id,
    )
    return partner.id


async def read_vendor(conn: Connection, vendor_id: UUID) -> VendorOut:
    """One vendor (404 when not the tenant's)."""
    row = await conn.fetchrow("select * from purchase_vendor where id = $1", vendor_id)
    if row is None:
        not_found()
    return VendorOut(
        id=row["id"],
        name=row["name"],
        email=row["email"],
        country=row["country"].strip() if row["country"] else None,
        tax_id=row["tax_id"],
        created_at=row["created_at"],
    )


VENDOR_PRODUCTS = (
    "select vp.*, v.name as vendor_name from purchase_vendor_product vp "
    "join purchase_vendor v on v.id = vp.vendor_id"
)


def vendor_product(row: Any) -> VendorProductOut:
    """A row as the API shows it."""
    if row is None:
        not_found()
    return VendorProductOut(
        id=row["id"],
        vendor_id=row["vendor_id"],
        vendor_name=row["vendor_name"],
        product_id=row["product_id"],
        price=dec(row["price"]),
        currency=row["currency"].strip(),
        lead_time_days=row["lead_time_days"],
        preferred=row["preferred"],
        vendor_sku=row["vendor_sku"],
        created_at=row["created_at"],
    )


async def read_vendor_product(conn: Connection, item_id: UUID) -> VendorProductOut:
    """One vendor price (404 when not the tenant's)."""
    return vendor_product(await conn.fetchrow(f"{VENDOR_PRODUCTS} where vp.id = $1", item_id))


async def _prefer(conn: Connection, product_id: UUID, item_id: UUID) -> None:
    await conn.execute(
        "update purchase_vendor_product set preferred = false where product_id = $1 "
        "and id <> $2 and preferred",
        product_id,
        item_id,
    )


async def create_vendor_product(
    conn: Connection, services: Services, vendor_id: UUID, data: VendorProductCreate
) -> UUID:
    """Keep a vendor's price for a product (Inventory checks the product when it is on).

    Preferring it un-prefers the product's other vendors. 404 for an unknown vendor, 422
    for an unknown product, 409 when the vendor has a price for the product already.
    """
    if not await conn.fetchval("select true from purchase_vendor where id = $1", vendor_id):
        not_found()
    errors = FieldErrors()
    if not (data.price.is_finite() and 0 <= data.price < MAX_AMOUNT):
        errors.add("price", "must not be negative")
    if (
        not errors
        and await services.available(conn, "inventory.products.get")
        and data.product_id not in await products(services, conn, [data.product_id])
    ):
        errors.add("product_id", "no such product")
    errors.raise_if_any()
    item_id = new_id()
    if data.preferred:
        await _prefer(conn, data.product_id, item_id)
    row = await conn.fetchrow(
        "insert into purchase_vendor_product (id, vendor_id, product_id, price, currency, "
        "lead_time_days, preferred, vendor_sku) values ($1, $2, $3, $4, $5, $6, $7, $8) "
        "on conflict (tenant_id, vendor_id, product_id) do nothing returning id",
        item_id,
        vendor_id,
        data.product_id,
        data.price,
        data.currency,
        data.lead_time_days,
        data.preferred,
        data.vendor_sku,
    )
    if row is None:
        conflict("the vendor has a price for this product already")
    return item_id


async def change_vendor_product(
    conn: Connection, item_id: UUID, data: VendorProductChanges
) -> None:
    """Change a vendor's price, lead time or preference."""
    row = await conn.fetchrow(
        "select * from purchase_vendor_product where id = $1 for update", item_id
    )
    if row is None:
        not_found()
    if data.price is not None and not (data.price.is_finite() and 0 <= data.price < MAX_AMOUNT):
        invalid("price", "must not be negative")
    if data.preferred:
        await _prefer(conn, row["product_id"], item_id)
    await conn.execute(
        "update purchase_vendor_product set price = coalesce($2, price), "
        "lead_time_days = coalesce($3, lead_time_days), preferred = coalesce($4, preferred) "
        "where id = $1",
        item_id,
        data.price,
        data.lead_time_days,
        data.preferred,
    )
