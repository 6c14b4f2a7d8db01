"""Nexus Inventory: products, warehouses, stock moves, reservations and valuation.

The hook implementations, and nothing else. Stock moves are the only way quantities change;
validating one locks the quant rows it touches, values it at average cost and publishes its
events in the same transaction. See README.md for the routes, settings and features.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Feature, Manifest, Permission, Service, hookimpl

from nexus_inventory._ai_tools import nexus_ai_tools  # noqa: F401 - the hookimpl
from nexus_inventory._events import DELIVERY_FAILED, MOVE_DONE, STOCK_LOW, VALUATION_POSTED
from nexus_inventory._examples import EXAMPLES
from nexus_inventory._handlers import INVOICE_POSTED, deliver_invoice
from nexus_inventory._keys import (
    MOVES_READ,
    MOVES_WRITE,
    PRODUCTS_READ,
    PRODUCTS_WRITE,
    RESERVATIONS_READ,
    RESERVATIONS_WRITE,
    RULES_READ,
    RULES_WRITE,
    VALUATION_READ,
    WAREHOUSES_READ,
    WAREHOUSES_WRITE,
)
from nexus_inventory._layout import seed_layout
from nexus_inventory._routes_locations import LocationController
from nexus_inventory._routes_moves import MoveController
from nexus_inventory._routes_products import ProductController
from nexus_inventory._routes_reorder_rules import ReorderRuleController
from nexus_inventory._routes_reservations import ReservationController
from nexus_inventory._routes_valuation import ValuationController
from nexus_inventory._routes_warehouses import WarehouseController
from nexus_inventory._services import SERVICES
from nexus_inventory._services_import import ENSURE_PRODUCT
from nexus_inventory._settings import InventorySettings
from nexus_inventory._ui import nexus_ui as nexus_ui  # the workspace's screens

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Connection, TenantRef

__all__ = (
    "InventorySettings",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_services",
    "nexus_tenant_enable",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "inventory_product",
    "inventory_warehouse",
    "inventory_location",
    "inventory_quant",
    "inventory_move",
    "inventory_reservation",
    "inventory_reorder_rule",
    "inventory_valuation_entry",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="inventory",
        version="0.1.0",
        title="Inventory",
        summary="Products, warehouses, stock moves, reservations, reorder rules and valuation.",
        hookspecs=">=0.1.5,<0.2",
        features=(
            Feature(
                key="reservations",
                title="Reservations",
                description="Hold stock for a reference; available = on hand − reserved.",
            ),
            Feature(
                key="reorder_rules",
                title="Reorder rules",
                description="Minimum and maximum per product and location; low-stock events.",
            ),
            Feature(
                key="valuation",
                title="Stock valuation",
                description="Average-cost valuation, posted as inventory.valuation.posted.v1.",
            ),
            Feature(
                key="deliver_on_invoice",
                title="Deliver on invoice",
                default=False,
                description=(
                    "A posted customer invoice creates a delivery per product line (not an "
                    "invoice of a Sales or Shop order: orders deliver); short stock follows the "
                    "oversell_policy setting."
                ),
            ),
        ),
        permissions=(
            Permission(
                key=PRODUCTS_READ,
                description="List and show products and their stock per location.",
                roles=_MEMBERS,
            ),
            Permission(key=PRODUCTS_WRITE, description="Create, change and delete products."),
            Permission(
                key=WAREHOUSES_READ,
                description="List and show warehouses and locations.",
                roles=_MEMBERS,
            ),
            Permission(
                key=WAREHOUSES_WRITE, description="Create and change warehouses and locations."
            ),
            Permission(key=MOVES_READ, description="List and show stock moves.", roles=_MEMBERS),
            Permission(
                key=MOVES_WRITE,
                description=(
                    "Create, validate and cancel stock moves; a receipt naming a new SKU with "
                    "a product name also creates that product."
                ),
            ),
            Permission(
                key=RESERVATIONS_READ, description="List and show reservations.", roles=_MEMBERS
            ),
            Permission(
                key=RESERVATIONS_WRITE, description="Reserve and release stock.", roles=_MEMBERS
            ),
            Permission(key=RULES_READ, description="List and show reorder rules.", roles=_MEMBERS),
            Permission(key=RULES_WRITE, description="Create, change and delete reorder rules."),
            Permission(
                key=VALUATION_READ,
                description="Read the stock valuation: quantities at average cost.",
            ),
        ),
        settings=InventorySettings,
        profile_settings={"valuation_currency": "currency"},
        events=(MOVE_DONE, VALUATION_POSTED, STOCK_LOW, DELIVERY_FAILED),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the inventory routes under ``/api/v1/inventory/``."""
    for controller in (
        ProductController,
        WarehouseController,
        LocationController,
        MoveController,
        ReservationController,
        ReorderRuleController,
        ValuationController,
    ):
        register(controller)


@hookimpl
def nexus_services(register: Callable[[Service], None]) -> None:
    """Offer deliver, receive, reserve, release, return and products.get to other plugins."""
    for service in (*SERVICES, ENSURE_PRODUCT):
        register(service)


@hookimpl
def nexus_piccolo_app() -> str:
    """The inventory tables and migrations."""
    return "nexus_inventory.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Deliver posted invoices' products (when ``inventory.deliver_on_invoice`` is on)."""
    register(INVOICE_POSTED, deliver_invoice)


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, settings: Any, conn: Connection) -> None:
    """Seed the default warehouse, its stock location and the virtual locations."""
    del tenant
    found = settings if isinstance(settings, InventorySettings) else InventorySettings()
    await seed_layout(conn, found)
