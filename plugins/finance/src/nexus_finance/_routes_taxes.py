"""Routes for the taxes of products and partners: product taxes and fiscal positions."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post, put
from litestar.params import FromPath
from nexus_hookspecs.http import Cursor, Db, Limit, Page, after_id, page_of, route_opt

from nexus_finance._examples import body
from nexus_finance._keys import ACCOUNTS_READ, ACCOUNTS_WRITE
from nexus_finance._taxes import (
    FiscalPositionIn,
    FiscalPositionOut,
    ProductTaxIn,
    ProductTaxOut,
    create_position,
    load_position,
    load_product_taxes,
    put_product_taxes,
)

__all__ = ("FiscalPositionController", "ProductTaxController")

_READ = route_opt(permission=ACCOUNTS_READ)
_WRITE = route_opt(permission=ACCOUNTS_WRITE)


class ProductTaxController(Controller):
    """A product's default sales and purchase taxes (the product is Inventory's, by id)."""

    path = "/product-taxes"
    tags = ["finance: chart"]

    @put("/{product_id:uuid}", summary="Set a product's default taxes", opt=_WRITE)
    async def put_product_taxes(
        self,
        db: Db,
        product_id: FromPath[UUID],
        data: Annotated[
            ProductTaxIn, body("PUT /product-taxes/{product_id}", "An untaxed product")
        ],
    ) -> ProductTaxOut:
        """Set the taxes drafts give the product's lines when they name none.

        An empty list makes the product untaxed that way; the partner's exemption or fiscal
        position applies after.

        Nothing is booked; documents already drafted keep their taxes. 422 naming a tax that
        is not the tenant's or not of that scope.
        """
        async with db.transaction() as conn:
            await put_product_taxes(conn, product_id, data)
            return await load_product_taxes(conn, product_id)

    @get("/{product_id:uuid}", summary="Show a product's default taxes", opt=_READ)
    async def show_product_taxes(self, db: Db, product_id: FromPath[UUID]) -> ProductTaxOut:
        """The product's default taxes; 404 when none were set (it takes the company's)."""
        async with db.transaction() as conn:
            return await load_product_taxes(conn, product_id)


class FiscalPositionController(Controller):
    """Fiscal positions: tax mappings for some partners (EU B2B reverse charge, exports)."""

    path = "/fiscal-positions"
    tags = ["finance: chart"]

    @get("/", summary="List fiscal positions", opt=_READ)
    async def list_positions(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[FiscalPositionOut]:
        """Every fiscal position with its mappings."""
        async with db.transaction() as conn:
            ids = await conn.fetch(
                "select id from finance_fiscal_position where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
            items = [await load_position(conn, row["id"]) for row in ids]
        return page_of(items, limit)

    @post("/", summary="Create a fiscal position", opt=_WRITE)
    async def create_position(
        self,
        db: Db,
        data: Annotated[FiscalPositionIn, body("POST /fiscal-positions", "Exports")],
    ) -> FiscalPositionOut:
        """Create a fiscal position mapping source taxes to destination taxes (or none).

        Nothing is booked. Drafts for a partner holding it (``fiscal_position_id``), or, with
        ``auto_apply``, for a partner in one of ``countries`` (with a tax id when
        ``vat_required``), map their default taxes through it. 422 naming an unknown tax or a
        source tax mapped twice.
        """
        async with db.transaction() as conn:
            position_id = await create_position(conn, data)
            return await load_position(conn, position_id)

    @get("/{position_id:uuid}", summary="Show a fiscal position", opt=_READ)
    async def show_position(self, db: Db, position_id: FromPath[UUID]) -> FiscalPositionOut:
        """One fiscal position with its mappings."""
        async with db.transaction() as conn:
            return await load_position(conn, position_id)
