"""Vendors (Finance partners) and their product prices."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    Services,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_purchase._examples import body
from nexus_purchase._keys import VENDORS_READ, VENDORS_WRITE
from nexus_purchase._vendors import (
    VENDOR_PRODUCTS,
    VendorCreate,
    VendorOut,
    VendorProductChanges,
    VendorProductCreate,
    VendorProductOut,
    change_vendor_product,
    create_vendor,
    create_vendor_product,
    read_vendor,
    read_vendor_product,
    vendor_product,
)

__all__ = ("VendorController", "VendorProductController")


class VendorController(Controller):
    """Vendors: Finance partners of kind supplier that Purchase orders from."""

    path = "/vendors"
    tags = ["purchase"]

    @post("/", summary="Create a vendor", opt=route_opt(permission=VENDORS_WRITE))
    async def create_vendor(
        self,
        db: Db,
        services: Services,
        data: Annotated[VendorCreate, body("POST /vendors", "A timber supplier")],
    ) -> VendorOut:
        """Find or create the vendor as a Finance partner (kind supplier) and keep it.

        Calls ``finance.partners.ensure`` (nothing is booked); 409 naming ``finance``
        when Finance is off for the tenant.
        """
        async with db.transaction() as conn:
            vendor_id = await create_vendor(conn, services, data)
            return await read_vendor(conn, vendor_id)

    @get("/", summary="List vendors", opt=route_opt(permission=VENDORS_READ))
    async def list_vendors(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[VendorOut]:
        """Vendors, oldest first. Reads only."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            ids = await conn.fetch(
                "select id from purchase_vendor where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after,
                limit + 1,
            )
            items = [await read_vendor(conn, row["id"]) for row in ids]
        return page_of(items, limit)

    @get("/{vendor_id:uuid}", summary="Show a vendor", opt=route_opt(permission=VENDORS_READ))
    async def show_vendor(self, db: Db, vendor_id: FromPath[UUID]) -> VendorOut:
        """One vendor. Reads only."""
        async with db.transaction() as conn:
            return await read_vendor(conn, vendor_id)

    @post(
        "/{vendor_id:uuid}/products",
        summary="Add a vendor's product price",
        opt=route_opt(permission=VENDORS_WRITE),
    )
    async def create_vendor_product(
        self,
        db: Db,
        services: Services,
        vendor_id: FromPath[UUID],
        data: Annotated[
            VendorProductCreate,
            body("POST /vendors/{vendor_id}/products", "The preferred timber vendor"),
        ],
    ) -> VendorProductOut:
        """Keep a vendor's price and lead time for an Inventory product.

        Inventory (when on) checks the product. ``preferred`` un-prefers the product's
        other vendors: reorder drafts go to the preferred one. Nothing moves in stock or
        the ledger. 404 for another tenant's vendor; 409 when the vendor has a price for
        the product already.
        """
        async with db.transaction() as conn:
            item_id = await create_vendor_product(conn, services, vendor_id, data)
            return await read_vendor_product(conn, item_id)


class VendorProductController(Controller):
    """What each vendor charges for a product, its lead time, and the preferred vendor."""

    path = "/vendor-products"
    tags = ["purchase"]

    @get("/", summary="List vendor product prices", opt=route_opt(permission=VENDORS_READ))
    async def list_vendor_products(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
        product_id: Annotated[UUID | None, QueryParameter(description="This product's.")] = None,
        vendor_id: Annotated[UUID | None, QueryParameter(description="This vendor's.")] = None,
    ) -> Page[VendorProductOut]:
        """Vendor prices, oldest first. Reads only."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{VENDOR_PRODUCTS} where ($1::uuid is null or vp.id > $1) "
                "and ($2::uuid is null or vp.product_id = $2) "
                "and ($3::uuid is null or vp.vendor_id = $3) order by vp.id limit $4",
                after,
                product_id,
                vendor_id,
                limit + 1,
            )
        return page_of([vendor_product(row) for row in rows], limit)

    @get(
        "/{item_id:uuid}",
        summary="Show a vendor product price",
        opt=route_opt(permission=VENDORS_READ),
    )
    async def show_vendor_product(self, db: Db, item_id: FromPath[UUID]) -> VendorProductOut:
        """One vendor price. Reads only."""
        async with db.transaction() as conn:
            return await read_vendor_product(conn, item_id)

    @patch(
        "/{item_id:uuid}",
        summary="Change a vendor product price",
        opt=route_opt(permission=VENDORS_WRITE),
    )
    async def change_vendor_product(
        self,
        db: Db,
        item_id: FromPath[UUID],
        data: Annotated[
            VendorProductChanges, body("PATCH /vendor-products/{item_id}", "A new price")
        ],
    ) -> VendorProductOut:
        """Change the price, lead time or preference (orders already drafted keep theirs)."""
        async with db.transaction() as conn:
            await change_vendor_product(conn, item_id, data)
            return await read_vendor_product(conn, item_id)

    @delete(
        "/{item_id:uuid}",
        summary="Delete a vendor product price",
        opt=route_opt(permission=VENDORS_WRITE),
    )
    async def delete_vendor_product(self, db: Db, item_id: FromPath[UUID]) -> None:
        """Forget a vendor's price for a product (orders keep theirs)."""
        async with db.transaction() as conn:
            gone = await conn.fetchval(
                "delete from purchase_vendor_product where id = $1 returning id", item_id
            )
        if gone is None:
            not_found()
