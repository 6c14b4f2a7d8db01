"""A signed-in customer's cart and orders (``/my``): the storefront for a known principal.

A guest's cart is known only by its token. A user (or API key) holding ``shop.carts:use``
has one open cart of their own, asked for here with a fresh token that the storefront's
cart routes take like a guest's; the orders checked out from it carry the principal as
``customer``, and ``GET /my/orders`` lists them.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    Limit,
    Page,
    Services,
    TenantSettings,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_shop._carts import hash_token, new_cart, new_token, quote
from nexus_shop._catalog import price_list_for
from nexus_shop._examples import body
from nexus_shop._keys import CARTS_USE
from nexus_shop._orders import OrderOut, order_out
from nexus_shop._routes_carts import CartIn, CartOut
from nexus_shop._settings import ShopSettings

__all__ = ("MyController",)

_USE = route_opt(permission=CARTS_USE)


class MyController(Controller):
    """The signed-in customer's own cart and orders."""

    path = "/my"
    tags = ["shop: storefront"]

    @post(
        "/cart",
        opt=_USE,
        responses={200: ResponseSpec(CartOut, description="The caller's open cart, kept")},
    )
    async def my_cart(
        self,
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        data: Annotated[CartIn, body("POST /my/cart", "My cart")],
    ) -> Response[CartOut]:
        """The caller's open cart with a fresh ``token`` (the previous token stops working).

        Made (201) in ``currency`` (the shop's by default) when the caller has none open;
        an open one (200) keeps its currency. Use the token with the storefront's cart
        routes; the order placed from it is the caller's (``GET /my/orders``).
        """
        if context.actor is None:
            not_found()
        async with db.transaction() as conn:
            cart = await conn.fetchrow(
                "select * from shop_cart where customer = $1 and status = 'open' for update",
                context.actor,
            )
            if cart is None:
                prices = await price_list_for(conn, data.currency or settings.currency)
                cart_id, token = await new_cart(
                    conn,
                    price_list_id=prices.id,
                    currency=prices.currency,
                    customer=context.actor,
                )
                status = 201
            else:
                cart_id, token = cart["id"], new_token()
                await conn.execute(
                    "update shop_cart set token_hash = $2, updated_at = now() where id = $1",
                    cart_id,
                    hash_token(token),
                )
                status = 200
            cart = await conn.fetchrow("select * from shop_cart where id = $1", cart_id)
            out = CartOut(
                id=cart_id,
                status="open",
                quote=await quote(conn, services, cart),
                token=token,
            )
        return Response(out, status_code=status)

    @get("/orders", opt=_USE)
    async def my_orders(
        self, db: Db, context: Context, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[OrderOut]:
        """The caller's orders, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from shop_order where customer = $1 "
                "and ($2::uuid is null or id > $2) order by id limit $3",
                context.actor,
                after_id(cursor),
                limit + 1,
            )
            return page_of([await order_out(conn, row["id"]) for row in rows], limit)
