"""Admin routes of what a checkout offers: shipping methods and discount codes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs.http import Db, FieldErrors, Money, conflict, not_found, route_opt

from nexus_shop._examples import body
from nexus_shop._fields import Code, Country, Currency, Name
from nexus_shop._keys import CHECKOUT_READ, CHECKOUT_WRITE
from nexus_shop._rows import delete_row, insert_row, patch_row, same_as_existing, sent

__all__ = ("DiscountController", "ShippingController")

_READ = route_opt(permission=CHECKOUT_READ)
_WRITE = route_opt(permission=CHECKOUT_WRITE)
Countries = Annotated[list[Country], msgspec.Meta(max_length=250)]


class ShippingMethodOut(msgspec.Struct, kw_only=True):
    """A shipping method: a flat rate, free from ``free_over``, to ``countries``.

    No ``countries`` means every country.
    """

    id: UUID
    name: str
    currency: str
    rate: Decimal
    free_over: Decimal | None
    countries: list[str]
    active: bool
    created_at: datetime


class ShippingMethodIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A shipping method; ``free_over`` is a products' subtotal from which it is free."""

    name: Name
    currency: Currency
    rate: Money
    free_over: Money | None = None
    countries: Countries = msgspec.field(default_factory=list)
    active: bool = True


class ShippingMethodChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to change of a shipping method; fields left out stay as they are."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    rate: Money | msgspec.UnsetType = msgspec.UNSET
    free_over: Money | None | msgspec.UnsetType = msgspec.UNSET
    countries: Countries | msgspec.UnsetType = msgspec.UNSET
    active: bool | msgspec.UnsetType = msgspec.UNSET


class DiscountOut(msgspec.Struct, kw_only=True):
    """A discount code and how often it was used."""

    id: UUID
    code: str
    kind: str
    value: Decimal
    currency: str | None
    min_subtotal: Decimal | None
    max_uses: int | None
    used: int
    starts_at: datetime | None
    ends_at: datetime | None
    active: bool
    created_at: datetime


class DiscountIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A code: ``percent`` off (``value`` up to 100) or an ``amount`` off in ``currency``.

    Codes are kept in upper case; customers may type them in any case.
    """

    code: Code
    kind: Literal["percent", "amount"]
    value: Money
    currency: Currency | None = None
    min_subtotal: Money | None = None
    max_uses: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    active: bool = True


class DiscountChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to change of a code; fields left out stay as they are."""

    active: bool | msgspec.UnsetType = msgspec.UNSET
    max_uses: Annotated[int, msgspec.Meta(ge=1)] | None | msgspec.UnsetType = msgspec.UNSET
    ends_at: datetime | None | msgspec.UnsetType = msgspec.UNSET
    min_subtotal: Money | None | msgspec.UnsetType = msgspec.UNSET


_SHIPPING = "id, name, currency, rate, free_over, countries, active, created_at"
_DISCOUNT = (
    "id, code, kind, value, currency, min_subtotal, max_uses, used, starts_at, ends_at, "
    "active, created_at"
)


async def _one(conn: Any, columns: str, table: str, row_id: UUID, kind: type[Any]) -> Any:
    row = await conn.fetchrow(f"select {columns} from {table} where id = $1", row_id)
    if row is None:
        not_found()
    return msgspec.convert(dict(row), kind)


def _check_discount(data: DiscountIn) -> None:
    errors = FieldErrors()
    if data.kind == "percent":
        if data.value <= 0 or data.value > 100:
            errors.add("value", "a percent between 0 and 100")
        if data.currency is not None:
            errors.add("currency", "a percent off has no currency")
    else:
        if data.value <= 0:
            errors.add("value", "more than 0")
        if data.currency is None:
            errors.add("currency", "an amount off needs its currency")
    if data.starts_at and data.ends_at and data.ends_at <= data.starts_at:
        errors.add("ends_at", "after starts_at")
    errors.raise_if_any()


class ShippingController(Controller):
    """How orders ship, at what rate."""

    path = "/shipping-methods"
    tags = ["shop: checkout"]

    @get("/", opt=_READ)
    async def list_shipping_methods(self, db: Db) -> list[ShippingMethodOut]:
        """Every shipping method, active or not, by currency and rate."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {_SHIPPING} from shop_shipping_method order by currency, rate, name"
            )
        return [msgspec.convert(dict(row), ShippingMethodOut) for row in rows]

    @post("/", opt=_WRITE)
    async def create_shipping_method(
        self,
        db: Db,
        data: Annotated[ShippingMethodIn, body("POST /shipping-methods", "Lagos courier")],
    ) -> ShippingMethodOut:
        """Make a shipping method."""
        async with db.transaction() as conn:
            row_id = await insert_row(conn, "shop_shipping_method", msgspec.structs.asdict(data))
            result: ShippingMethodOut = await _one(
                conn, _SHIPPING, "shop_shipping_method", row_id, ShippingMethodOut
            )
            return result

    @get("/{shipping_method_id:uuid}", opt=_READ)
    async def show_shipping_method(
        self, db: Db, shipping_method_id: FromPath[UUID]
    ) -> ShippingMethodOut:
        """One shipping method."""
        async with db.transaction() as conn:
            result: ShippingMethodOut = await _one(
                conn, _SHIPPING, "shop_shipping_method", shipping_method_id, ShippingMethodOut
            )
            return result

    @patch("/{shipping_method_id:uuid}", opt=_WRITE)
    async def change_shipping_method(
        self,
        db: Db,
        shipping_method_id: FromPath[UUID],
        data: Annotated[
            ShippingMethodChanges,
            body("PATCH /shipping-methods/{shipping_method_id}", "A new rate"),
        ],
    ) -> ShippingMethodOut:
        """Change a method's rate, free threshold, countries; switch it off or on.

        Orders placed keep the shipping they were charged.
        """
        async with db.transaction() as conn:
            await patch_row(conn, "shop_shipping_method", shipping_method_id, sent(data))
            result: ShippingMethodOut = await _one(
                conn, _SHIPPING, "shop_shipping_method", shipping_method_id, ShippingMethodOut
            )
            return result

    @delete("/{shipping_method_id:uuid}", opt=_WRITE)
    async def delete_shipping_method(self, db: Db, shipping_method_id: FromPath[UUID]) -> None:
        """Delete a shipping method (carts choosing it choose again)."""
        async with db.transaction() as conn:
            await delete_row(conn, "shop_shipping_method", shipping_method_id, in_use="in use")


class DiscountController(Controller):
    """Discount codes customers type at checkout."""

    path = "/discounts"
    tags = ["shop: checkout"]

    @get("/", opt=_READ)
    async def list_discounts(self, db: Db) -> list[DiscountOut]:
        """Every code, by code."""
        async with db.transaction() as conn:
            rows = await conn.fetch(f"select {_DISCOUNT} from shop_discount order by code")
        return [msgspec.convert(dict(row), DiscountOut) for row in rows]

    @post(
        "/",
        opt=_WRITE,
        responses={200: ResponseSpec(DiscountOut, description="The same code, sent again")},
    )
    async def create_discount(
        self, db: Db, data: Annotated[DiscountIn, body("POST /discounts", "10 % off")]
    ) -> Response[DiscountOut]:
        """Make a code (kept in upper case).

        The same code sent again answers the first (200); the code with other terms answers
        409. 422 for a percent over 100, an amount without currency, an end before its
        start.
        """
        _check_discount(data)
        values = msgspec.structs.asdict(data)
        values["code"] = data.code.upper()
        taken = f"the code {values['code']} exists"
        async with db.transaction() as conn:
            found = await same_as_existing(conn, "shop_discount", "code", values, taken=taken)
            row_id = found or await insert_row(conn, "shop_discount", values, unique=taken)
            result: DiscountOut = await _one(conn, _DISCOUNT, "shop_discount", row_id, DiscountOut)
            return Response(result, status_code=200 if found else 201)

    @get("/{discount_id:uuid}", opt=_READ)
    async def show_discount(self, db: Db, discount_id: FromPath[UUID]) -> DiscountOut:
        """One code."""
        async with db.transaction() as conn:
            result: DiscountOut = await _one(
                conn, _DISCOUNT, "shop_discount", discount_id, DiscountOut
            )
            return result

    @patch("/{discount_id:uuid}", opt=_WRITE)
    async def change_discount(
        self,
        db: Db,
        discount_id: FromPath[UUID],
        data: Annotated[DiscountChanges, body("PATCH /discounts/{discount_id}", "Switch off")],
    ) -> DiscountOut:
        """Switch a code off or on, change its end, its uses or its minimum subtotal.

        409 when ``max_uses`` would be below the uses already made.
        """
        async with db.transaction() as conn:
            values = sent(data)
            if values.get("max_uses") is not None:
                used = await conn.fetchval(
                    "select used from shop_discount where id = $1", discount_id
                )
                if used is not None and used > values["max_uses"]:
                    conflict(f"the code was used {used} times already")
            await patch_row(conn, "shop_discount", discount_id, values)
            result: DiscountOut = await _one(
                conn, _DISCOUNT, "shop_discount", discount_id, DiscountOut
            )
            return result

    @delete("/{discount_id:uuid}", opt=_WRITE)
    async def delete_discount(self, db: Db, discount_id: FromPath[UUID]) -> None:
        """Delete a code (orders keep the discount they got).

        Switch it off instead to keep its history.
        """
        async with db.transaction() as conn:
            await delete_row(conn, "shop_discount", discount_id, in_use="in use")
