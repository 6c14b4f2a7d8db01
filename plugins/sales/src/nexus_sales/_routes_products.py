"""A product's invoicing policy: invoice what was ordered, or what was delivered."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, put
from litestar.params import FromPath
from nexus_hookspecs.http import Db, TenantSettings, route_opt

from nexus_sales._examples import body
from nexus_sales._invoicing import policies, set_policy
from nexus_sales._keys import PRODUCTS_READ, PRODUCTS_WRITE
from nexus_sales._settings import SalesSettings

__all__ = ("InvoicingIn", "InvoicingOut", "ProductController")


class InvoicingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``order``: invoice what was ordered; ``delivery``: what was delivered."""

    policy: Literal["order", "delivery"]


class InvoicingOut(msgspec.Struct, kw_only=True):
    """A product's policy, and whether it is its own or the tenant's default."""

    product_id: UUID
    policy: str
    default: bool


class ProductController(Controller):
    """Sales facts of Inventory products (referenced by id only)."""

    path = "/products"
    tags = ["sales: products"]

    @get(
        "/{product_id:uuid}/invoicing",
        summary="A product's invoicing policy",
        opt=route_opt(permission=PRODUCTS_READ),
    )
    async def show(
        self, db: Db, settings: TenantSettings[SalesSettings], product_id: FromPath[UUID]
    ) -> InvoicingOut:
        """The product's policy, else the ``invoice_policy`` setting. Read only."""
        async with db.transaction() as conn:
            own = await policies(conn, [product_id])
        policy = own.get(product_id)
        return InvoicingOut(
            product_id=product_id,
            policy=policy or settings.invoice_policy,
            default=policy is None,
        )

    @put(
        "/{product_id:uuid}/invoicing",
        summary="Set a product's invoicing policy",
        opt=route_opt(permission=PRODUCTS_WRITE),
    )
    async def replace(
        self,
        db: Db,
        product_id: FromPath[UUID],
        data: Annotated[
            InvoicingIn, body("PUT /products/{product_id}/invoicing", "Invoice on delivery")
        ],
    ) -> InvoicingOut:
        """Set what order invoices of this product cover from now on.

        Nothing moves in stock or the ledger.
        """
        async with db.transaction() as conn:
            await set_policy(conn, product_id, data.policy)
        return InvoicingOut(product_id=product_id, policy=data.policy, default=False)
