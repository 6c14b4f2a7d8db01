"""Sales' tools for the tenant's assistants (``nexus_ai_tools``): find quotes and orders.

Read only. The searches match a document's number or customer name; ``sales.orders.get``
answers what ``GET /orders/{id}`` answers (``_views.order_view``: lines, deliveries,
invoices), another tenant's order being not found as there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID  # noqa: TC003 - msgspec reads the annotations

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl

from nexus_sales._keys import ORDERS_READ, QUOTATIONS_READ
from nexus_sales._orders import load_order
from nexus_sales._views import order_view, summary

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("FindDocuments", "ShowOrder", "nexus_ai_tools")


class FindDocuments(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Words of the document's number or of the customer's name; newest first."""

    query: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    limit: Annotated[int, msgspec.Meta(ge=1, le=50)] = 10


class ShowOrder(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The sales order to show."""

    order_id: UUID


def _pattern(query: str) -> str:
    return "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def _find_quotations(data: FindDocuments, ctx: ServiceContext) -> list[dict[str, Any]]:
    rows = await ctx.conn.fetch(
        "select * from sales_quotation where number ilike $1 or partner_name ilike $1 "
        "order by created_at desc, id limit $2",
        _pattern(data.query),
        data.limit,
    )
    return [msgspec.to_builtins(summary(r)) | {"partner_name": r["partner_name"]} for r in rows]


async def _find_orders(data: FindDocuments, ctx: ServiceContext) -> list[dict[str, Any]]:
    rows = await ctx.conn.fetch(
        "select id, number, state, partner_name, currency, quotation_id, created_at "
        "from sales_order where number ilike $1 or partner_name ilike $1 "
        "order by created_at desc, id limit $2",
        _pattern(data.query),
        data.limit,
    )
    return [{**dict(r), "currency": r["currency"].strip()} for r in rows]


async def _show_order(data: ShowOrder, ctx: ServiceContext) -> Any:
    settings = await ctx.settings()
    row = await load_order(ctx.conn, data.order_id)
    return await order_view(ctx.conn, ctx.services, row, default_policy=settings.invoice_policy)


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer finding quotations and orders, and showing an order."""
    register(
        Tool(
            name="sales.quotations.search",
            description="Finds quotations by number or customer name, newest first: "
            "version, state, total.",
            input=FindDocuments,
            permission=QUOTATIONS_READ,
            handler=_find_quotations,
        )
    )
    register(
        Tool(
            name="sales.orders.search",
            description="Finds sales orders by number or customer name, newest first.",
            input=FindDocuments,
            permission=ORDERS_READ,
            handler=_find_orders,
        )
    )
    register(
        Tool(
            name="sales.orders.get",
            description="A sales order with its lines, deliveries, backorders, returns and "
            "invoices (with what is paid).",
            input=ShowOrder,
            permission=ORDERS_READ,
            handler=_show_order,
        )
    )
