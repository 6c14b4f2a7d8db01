"""Admin routes of price lists and their prices."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Money,
    Page,
    after_id,
    conflict,
    not_found,
    page_of,
    route_opt,
)

from nexus_shop._examples import body
from nexus_shop._fields import Currency, Name
from nexus_shop._keys import CATALOG_READ, CATALOG_WRITE
from nexus_shop._rows import delete_row, insert_row, patch_row, sent

__all__ = ("PriceListController",)

_READ = route_opt(permission=CATALOG_READ)
_WRITE = route_opt(permission=CATALOG_WRITE)


class PriceListOut(msgspec.Struct, kw_only=True):
    """A price list: its currency, and whether the storefront uses it for that currency."""

    id: UUID
    name: str
    currency: str
    is_default: bool
    created_at: datetime


class PriceListIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A price list; ``is_default`` makes it the storefront's for its currency."""

    name: Name
    currency: Currency
    is_default: bool = False


class PriceListChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to change of a price list; fields left out stay as they are."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    is_default: bool | msgspec.UnsetType = msgspec.UNSET


class PriceOut(msgspec.Struct, kw_only=True):
    """A product's unit price in the list."""

    id: UUID
    product_id: UUID
    amount: Decimal


class PriceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A unit price, in the list's currency."""

    amount: Money


_COLUMNS = "id, name, currency, is_default, created_at"


async def _price_list(conn: Any, price_list_id: UUID) -> PriceListOut:
    row = await conn.fetchrow(
        f"select {_COLUMNS} from shop_price_list where id = $1", price_list_id
    )
    if row is None:
        not_found()
    return msgspec.convert(dict(row), PriceListOut)


async def _only_default(conn: Any, price_list_id: UUID) -> None:
    """Make ``price_list_id`` the one default of its currency."""
    await conn.execute(
        "update shop_price_list set is_default = false where is_default and id <> $1 "
        "and currency = (select currency from shop_price_list where id = $1)",
        price_list_id,
    )


class PriceListController(Controller):
    """Price lists, one currency each; the default list of a currency is the storefront's."""

    path = "/price-lists"
    tags = ["shop: catalog"]

    @get("/", opt=_READ)
    async def list_price_lists(self, db: Db) -> list[PriceListOut]:
        """Every price list, by currency and name."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {_COLUMNS} from shop_price_list order by currency, name"
            )
        return [msgspec.convert(dict(row), PriceListOut) for row in rows]

    @post("/", opt=_WRITE)
    async def create_price_list(
        self, db: Db, data: Annotated[PriceListIn, body("POST /price-lists", "Naira retail")]
    ) -> PriceListOut:
        """Make a price list; as the default it replaces the currency's previous default."""
        async with db.transaction() as conn:
            if data.is_default:
                await conn.execute(
                    "update shop_price_list set is_default = false where currency = $1",
                    data.currency,
                )
            price_list_id = await insert_row(conn, "shop_price_list", msgspec.structs.asdict(data))
            return await _price_list(conn, price_list_id)

    @get("/{price_list_id:uuid}", opt=_READ)
    async def show_price_list(self, db: Db, price_list_id: FromPath[UUID]) -> PriceListOut:
        """One price list."""
        async with db.transaction() as conn:
            return await _price_list(conn, price_list_id)

    @patch("/{price_list_id:uuid}", opt=_WRITE)
    async def change_price_list(
        self,
        db: Db,
        price_list_id: FromPath[UUID],
        data: Annotated[
            PriceListChanges, body("PATCH /price-lists/{price_list_id}", "Make it the default")
        ],
    ) -> PriceListOut:
        """Rename a price list or make it its currency's default."""
        values = sent(data)
        async with db.transaction() as conn:
            if values.get("is_default"):
                await _only_default(conn, price_list_id)
            await patch_row(conn, "shop_price_list", price_list_id, values)
            return await _price_list(conn, price_list_id)

    @delete("/{price_list_id:uuid}", opt=_WRITE)
    async def delete_price_list(self, db: Db, price_list_id: FromPath[UUID]) -> None:
        """Delete a price list and its prices; open carts priced by it are deleted too."""
        async with db.transaction() as conn:
            if await conn.fetchval(
                "select 1 from shop_cart c join shop_order o on o.cart_id = c.id "
                "where c.price_list_id = $1 limit 1",
                price_list_id,
            ):
                conflict("orders were placed with this price list: keep it, not as default")
            await delete_row(conn, "shop_price_list", price_list_id, in_use="in use")

    @get("/{price_list_id:uuid}/prices", opt=_READ)
    async def list_prices(
        self, db: Db, price_list_id: FromPath[UUID], cursor: Cursor = None, limit: Limit = 50
    ) -> Page[PriceOut]:
        """The list's prices, oldest first."""
        async with db.transaction() as conn:
            await _price_list(conn, price_list_id)
            rows = await conn.fetch(
                "select id, product_id, amount from shop_price where price_list_id = $1 "
                "and ($2::uuid is null or id > $2) order by id limit $3",
                price_list_id,
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(row), PriceOut) for row in rows], limit)

    @put("/{price_list_id:uuid}/prices/{product_id:uuid}", opt=_WRITE)
    async def set_price(
        self,
        db: Db,
        price_list_id: FromPath[UUID],
        product_id: FromPath[UUID],
        data: Annotated[
            PriceIn, body("PUT /price-lists/{price_list_id}/prices/{product_id}", "12,500")
        ],
    ) -> PriceOut:
        """Set a product's unit price in the list (the product need not be listed yet)."""
        async with db.transaction() as conn:
            await _price_list(conn, price_list_id)
            row = await conn.fetchrow(
                "insert into shop_price (id, price_list_id, product_id, amount) "
                "values ($1, $2, $3, $4) on conflict (tenant_id, price_list_id, product_id) "
                "do update set amount = excluded.amount returning id, product_id, amount",
                new_id(),
                price_list_id,
                product_id,
                data.amount,
            )
        assert row is not None  # an upsert returns its row
        return msgspec.convert(dict(row), PriceOut)

    @delete("/{price_list_id:uuid}/prices/{product_id:uuid}", opt=_WRITE)
    async def delete_price(
        self, db: Db, price_list_id: FromPath[UUID], product_id: FromPath[UUID]
    ) -> None:
        """Take a product's price out of the list (it is no longer sold in that currency)."""
        async with db.transaction() as conn:
            gone = await conn.fetchval(
                "delete from shop_price where price_list_id = $1 and product_id = $2 returning id",
                price_list_id,
                product_id,
            )
        if gone is None:
            not_found()
