"""The storefront's carts: visitor routes under ``/store/{tenant}/carts`` (no credentials).

A cart is reached by its token. The routes are protected as the catalog's are (see
``_routes_store``); a checkout also counts against ``checkouts_per_hour``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Db,
    Events,
    Quantity,
    Services,
    TenantSettings,
    conflict,
    invalid,
    not_found,
    route_opt,
)

from nexus_shop import _peers
from nexus_shop._abuse import admit, admit_checkout
from nexus_shop._carts import Quote, find_cart, new_cart, quote
from nexus_shop._catalog import price_list_for
from nexus_shop._examples import body
from nexus_shop._fields import Code, Country, Email, Line, Name, Phone
from nexus_shop._orders import Customer, OrderOut, PaymentMethod, order_out, place_order
from nexus_shop._settings import ShopSettings

__all__ = ("CartController", "CartIn", "CartOut")

_VISITOR = route_opt(access="visitor")
_SMALL = 8_000
_MAX_QUANTITY = Decimal(10_000)


class CartIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new cart, priced in ``currency`` (the shop's by default)."""

    currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] | None = None


class CartOut(msgspec.Struct, kw_only=True):
    """A cart and its quote. ``token`` is shown once, when the cart is made: keep it."""

    id: UUID
    status: str
    quote: Quote
    token: str | None = None
    order_id: UUID | None = None


class QuantityIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How many of the product the cart holds (0 takes it out; at most 10,000)."""

    quantity: Quantity


class CodeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A discount code."""

    code: Code


class ShippingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The shipping method chosen."""

    shipping_method_id: UUID


class CheckoutIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Who orders, where to ship, how they pay. ``website`` is a honeypot: leave it empty."""

    email: Email
    name: Name
    address: Line
    city: Name
    country: Country
    payment_method: PaymentMethod
    postal_code: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    phone: Phone | None = None
    website: Annotated[str, msgspec.Meta(max_length=200)] = ""


async def _cart_out(conn: Any, services: Any, cart: Any, token: str | None = None) -> CartOut:
    order_id = await conn.fetchval("select id from shop_order where cart_id = $1", cart["id"])
    return CartOut(
        id=cart["id"],
        status=cart["status"],
        quote=await quote(conn, services, cart),
        token=token,
        order_id=order_id,
    )


async def _open_cart(conn: Any, token: str) -> Any:
    cart = await find_cart(conn, token, lock=True)
    if cart["status"] != "open":
        conflict(f"this cart is {cart['status']}: start a new one")
    return cart


async def _touch(conn: Any, cart_id: UUID) -> None:
    await conn.execute("update shop_cart set updated_at = now() where id = $1", cart_id)


class CartController(Controller):
    """A visitor's cart: lines, discount code, shipping, checkout."""

    path = "/store/{tenant:str}/carts"
    tags = ["shop: storefront"]

    @post("/", opt=_VISITOR, request_max_body_size=_SMALL)
    async def create_cart(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        data: Annotated[CartIn, body("POST /store/{tenant}/carts", "A cart in naira")],
    ) -> CartOut:
        """Start a cart; the answer carries its ``token``, shown this once.

        422 when the shop has no price list in the currency.
        """
        admit(context, request, settings)
        async with db.transaction() as conn:
            prices = await price_list_for(conn, data.currency or settings.currency)
            cart_id, token = await new_cart(conn, price_list_id=prices.id, currency=prices.currency)
            cart = await conn.fetchrow("select * from shop_cart where id = $1", cart_id)
            return await _cart_out(conn, services, cart, token)

    @get("/{token:str}", opt=_VISITOR)
    async def show_cart(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        token: FromPath[str],
    ) -> CartOut:
        """The cart and its quote: lines, discount, shipping, taxes (from Finance), total."""
        admit(context, request, settings)
        async with db.transaction() as conn:
            cart = await find_cart(conn, token)
            return await _cart_out(conn, services, cart)

    @put("/{token:str}/lines/{product_id:uuid}", opt=_VISITOR, request_max_body_size=_SMALL)
    async def set_line(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        token: FromPath[str],
        product_id: FromPath[UUID],
        data: Annotated[
            QuantityIn, body("PUT /store/{tenant}/carts/{token}/lines/{product_id}", "Two")
        ],
    ) -> CartOut:
        """Hold ``quantity`` of a published product in the cart (0 takes it out).

        404 for a product the shop does not sell; 409 when the cart was checked out or
        abandoned, or when more is asked than is available now (stock is held only at
        checkout).
        """
        admit(context, request, settings)
        if data.quantity > _MAX_QUANTITY:
            invalid("quantity", "at most 10000")
        async with db.transaction() as conn:
            cart = await _open_cart(conn, token)
            if data.quantity == 0:
                await conn.execute(
                    "delete from shop_cart_line where cart_id = $1 and product_id = $2",
                    cart["id"],
                    product_id,
                )
            else:
                listed = await conn.fetchval(
                    "select 1 from shop_listing l join shop_price p on p.product_id = "
                    "l.product_id and p.price_list_id = $2 where l.product_id = $1 "
                    "and l.published",
                    product_id,
                    cart["price_list_id"],
                )
                if listed is None:
                    not_found()
                stock = await _peers.products(conn, services, [product_id])
                found = stock.get(product_id)
                if found is None:
                    not_found()
                if found.tracked and data.quantity > found.available:
                    conflict(
                        f"only {_peers.text(found.available)} of {found.sku} available",
                        product_id=str(product_id),
                        available=_peers.text(found.available),
                    )
                await conn.execute(
                    "insert into shop_cart_line (id, cart_id, product_id, quantity) "
                    "values ($4, $1, $2, $3) on conflict (tenant_id, cart_id, "
                    "product_id) do update set quantity = excluded.quantity",
                    cart["id"],
                    product_id,
                    data.quantity,
                    new_id(),
                )
            await _touch(conn, cart["id"])
            return await _cart_out(conn, services, cart)

    @post("/{token:str}/discount", opt=_VISITOR, request_max_body_size=_SMALL, status_code=200)
    async def apply_code(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        token: FromPath[str],
        data: Annotated[CodeIn, body("POST /store/{tenant}/carts/{token}/discount", "A code")],
    ) -> CartOut:
        """Apply a discount code to the cart (one at a time; a new one replaces it).

        404 for an unknown or inactive code, 422 for a code in another currency; whether it
        takes anything off (dates, uses left, minimum subtotal) shows in the quote.
        """
        admit(context, request, settings)
        async with db.transaction() as conn:
            cart = await _open_cart(conn, token)
            code = await conn.fetchrow(
                "select id, currency from shop_discount where code = $1 and active",
                data.code.upper(),
            )
            if code is None:
                not_found()
            if code["currency"] is not None and code["currency"] != cart["currency"]:
                conflict(f"this code is for orders in {code['currency']}")
            await conn.execute(
                "update shop_cart set discount_id = $2, updated_at = now() where id = $1",
                cart["id"],
                code["id"],
            )
            cart = await find_cart(conn, token)
            return await _cart_out(conn, services, cart)

    @delete("/{token:str}/discount", opt=_VISITOR, status_code=200)
    async def remove_code(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        token: FromPath[str],
    ) -> CartOut:
        """Take the discount code off the cart."""
        admit(context, request, settings)
        async with db.transaction() as conn:
            cart = await _open_cart(conn, token)
            await conn.execute(
                "update shop_cart set discount_id = null, updated_at = now() where id = $1",
                cart["id"],
            )
            return await _cart_out(conn, services, await find_cart(conn, token))

    @put("/{token:str}/shipping", opt=_VISITOR, request_max_body_size=_SMALL)
    async def choose_shipping(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        token: FromPath[str],
        data: Annotated[
            ShippingIn, body("PUT /store/{tenant}/carts/{token}/shipping", "Standard delivery")
        ],
    ) -> CartOut:
        """Choose how the cart ships.

        404 for an unknown or inactive method, 409 for one in another currency.
        """
        admit(context, request, settings)
        async with db.transaction() as conn:
            cart = await _open_cart(conn, token)
            method = await conn.fetchrow(
                "select currency from shop_shipping_method where id = $1 and active",
                data.shipping_method_id,
            )
            if method is None:
                not_found()
            if method["currency"] != cart["currency"]:
                conflict(f"this shipping method charges in {method['currency']}")
            await conn.execute(
                "update shop_cart set shipping_method_id = $2, updated_at = now() where id = $1",
                cart["id"],
                data.shipping_method_id,
            )
            return await _cart_out(conn, services, await find_cart(conn, token))

    @post("/{token:str}/checkout", opt=_VISITOR, request_max_body_size=_SMALL, status_code=201)
    async def checkout(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        events: Events,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        token: FromPath[str],
        data: Annotated[
            CheckoutIn, body("POST /store/{tenant}/carts/{token}/checkout", "Pay by transfer")
        ],
    ) -> OrderOut:
        """Place the cart's order: stock reserved, invoice posted, payment started.

        Every line is reserved in Inventory or none is: 409 naming the products short
        (``short``: product, requested, available), or unsellable (``unsellable``), with
        nothing kept. ``payment_method`` ``online`` opens a Payments checkout (its ``url``
        is the order's ``payment_url``; 409 with ``blocking`` when Payments is off);
        ``bank_transfer`` and ``cash_on_delivery`` need the tenant to take them (422
        otherwise). The order holds its stock until ``expires_at``, then is cancelled
        unless paid. 409 when the cart was checked out already; 422 when ``website`` (a
        honeypot) is filled in.
        """
        if data.website:
            invalid("website", "leave this field empty")
        admit(context, request, settings)
        admit_checkout(context, request, settings)
        customer = Customer(
            email=data.email,
            name=data.name,
            phone=data.phone,
            address=data.address,
            city=data.city,
            postal_code=data.postal_code,
            country=data.country,
        )
        async with db.transaction() as conn:
            cart = await _open_cart(conn, token)
            order_id = await place_order(
                conn,
                events,
                services,
                settings,
                cart=cart,
                customer=customer,
                method=data.payment_method,
            )
            return await order_out(conn, order_id, settings)

    @get("/{token:str}/order", opt=_VISITOR)
    async def cart_order(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        context: Context,
        settings: TenantSettings[ShopSettings],
        token: FromPath[str],
    ) -> OrderOut:
        """The order placed from the cart: its status, totals and how to pay (404 before)."""
        admit(context, request, settings)
        async with db.transaction() as conn:
            cart = await find_cart(conn, token)
            order_id = await conn.fetchval(
                "select id from shop_order where cart_id = $1", cart["id"]
            )
            if order_id is None:
                not_found()
            return await order_out(conn, order_id, settings)
