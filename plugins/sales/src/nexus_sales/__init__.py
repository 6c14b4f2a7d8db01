"""Nexus Sales: quotations, sales orders, deliveries, invoicing and returns (quote to cash).

The hook implementations, and nothing else. Sales keeps its own documents and reaches
Finance (taxes, partners, invoices, credit notes) and Inventory (reservations, deliveries,
returns) only through their services, inside the request's transaction: a step needing a
plugin the tenant has switched off answers the kernel's 409 naming it. See README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_sales._ai_tools import nexus_ai_tools
from nexus_sales._events import EVENTS
from nexus_sales._examples import EXAMPLES
from nexus_sales._handlers import DEAL_WON, on_deal_won
from nexus_sales._keys import (
    ORDERS_READ,
    ORDERS_WRITE,
    PRODUCTS_READ,
    PRODUCTS_WRITE,
    QUOTATIONS_READ,
    QUOTATIONS_WRITE,
)
from nexus_sales._routes_deliveries import DeliveryController
from nexus_sales._routes_orders import OrderController
from nexus_sales._routes_products import ProductController
from nexus_sales._routes_quotations import QuotationController
from nexus_sales._settings import SalesSettings

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "SalesSettings",
    "nexus_ai_tools",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "sales_sequence",
    "sales_quotation",
    "sales_quotation_line",
    "sales_order",
    "sales_order_line",
    "sales_delivery",
    "sales_delivery_line",
    "sales_return",
    "sales_return_line",
    "sales_invoice",
    "sales_invoice_line",
    "sales_product_policy",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="sales",
        version="0.1.0",
        title="Sales",
        summary=(
            "Quotations (versioned, PDF), sales orders, deliveries with backorders, invoicing "
            "per product policy, returns with credit notes."
        ),
        hookspecs=">=0.1.5,<0.2",
        permissions=(
            Permission(
                key=QUOTATIONS_READ,
                description="List and show quotations, their versions and PDFs.",
                roles=_MEMBERS,
            ),
            Permission(
                key=QUOTATIONS_WRITE,
                description="Draft, change, send, accept, decline and revise quotations.",
                roles=_MEMBERS,
            ),
            Permission(
                key=ORDERS_READ,
                description="List and show sales orders, deliveries and returns.",
                roles=_MEMBERS,
            ),
            Permission(
                key=ORDERS_WRITE,
                description=(
                    "Create, confirm (reserve stock), cancel, deliver (stock out, cost of "
                    "sales), invoice and take returns (stock back, credit notes)."
                ),
                roles=_MEMBERS,
            ),
            Permission(
                key=PRODUCTS_READ, description="Read products' invoicing policy.", roles=_MEMBERS
            ),
            Permission(key=PRODUCTS_WRITE, description="Set products' invoicing policy."),
        ),
        settings=SalesSettings,
        profile_settings={"default_currency": "currency"},
        events=EVENTS,
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the sales routes under ``/api/v1/sales/``."""
    for controller in (
        QuotationController,
        OrderController,
        DeliveryController,
        ProductController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The sales tables and migrations."""
    return "nexus_sales.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Draft a quotation, order or invoice for a won CRM deal (``deal_won_action``)."""
    register(DEAL_WON, on_deal_won)
