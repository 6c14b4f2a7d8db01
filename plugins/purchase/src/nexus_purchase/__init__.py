"""Nexus Purchase: vendors, requests for quotation, purchase orders, receipts and bills.

The hook implementations, and nothing else. Purchase calls Finance and Inventory only
through the kernel's services port (``finance.partners.ensure``,
``finance.documents.draft``, ``inventory.products.get``, ``inventory.receive``) and their
events (``inventory.stock.low.v1``); it never imports them. See README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Feature, Manifest, Permission, hookimpl

from nexus_purchase._events import (
    BILL_HELD,
    BILL_MATCHED,
    ORDER_CANCELLED,
    ORDER_CONFIRMED,
    ORDER_DRAFTED,
    ORDER_SENT,
    RECEIPT_DONE,
)
from nexus_purchase._examples import EXAMPLES
from nexus_purchase._handlers import STOCK_LOW, draft_for_low_stock
from nexus_purchase._keys import (
    BILLS_APPROVE,
    BILLS_READ,
    BILLS_WRITE,
    ORDERS_READ,
    ORDERS_WRITE,
    RECEIPTS_READ,
    RECEIPTS_WRITE,
    VENDORS_READ,
    VENDORS_WRITE,
)
from nexus_purchase._routes_bills import BillController, ReceiptController
from nexus_purchase._routes_orders import OrderController
from nexus_purchase._routes_vendors import VendorController, VendorProductController
from nexus_purchase._settings import PurchaseSettings

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "PurchaseSettings",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "purchase_vendor",
    "purchase_vendor_product",
    "purchase_order",
    "purchase_order_line",
    "purchase_receipt",
    "purchase_receipt_line",
    "purchase_bill",
    "purchase_bill_line",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="purchase",
        version="0.1.0",
        title="Purchase",
        summary=(
            "Vendors, requests for quotation, purchase orders, receipts and vendor bills "
            "matched three ways."
        ),
        hookspecs=">=0.1.2,<0.2",
        features=(
            Feature(
                key="reorder_drafts",
                title="Reorder drafts",
                description=(
                    "Inventory's low-stock events add the product to its preferred vendor's "
                    "draft request for quotation."
                ),
            ),
        ),
        permissions=(
            Permission(
                key=VENDORS_READ,
                description="List and show vendors and their product prices.",
                roles=_MEMBERS,
            ),
            Permission(
                key=VENDORS_WRITE,
                description="Create vendors (Finance partners) and change their product prices.",
            ),
            Permission(
                key=ORDERS_READ,
                description="List and show requests for quotation and purchase orders.",
                roles=_MEMBERS,
            ),
            Permission(
                key=ORDERS_WRITE,
                description="Create, send, confirm and cancel requests for quotation and orders.",
                roles=_MEMBERS,
            ),
            Permission(key=RECEIPTS_READ, description="Show receipts.", roles=_MEMBERS),
            Permission(
                key=RECEIPTS_WRITE,
                description=(
                    "Receive goods against a purchase order: stock comes in, Finance books "
                    "Dr Inventory / Cr Stock received not billed."
                ),
                roles=_MEMBERS,
            ),
            Permission(
                key=BILLS_READ,
                description="List and show vendor bills and their differences.",
                roles=_MEMBERS,
            ),
            Permission(
                key=BILLS_WRITE,
                description="Record vendor bills; a matching bill is posted in Finance.",
            ),
            Permission(
                key=BILLS_APPROVE,
                description="Approve a held bill's differences so that it is posted in Finance.",
            ),
        ),
        settings=PurchaseSettings,
        profile_settings={"currency": "currency"},
        events=(
            ORDER_DRAFTED,
            ORDER_SENT,
            ORDER_CONFIRMED,
            ORDER_CANCELLED,
            RECEIPT_DONE,
            BILL_HELD,
            BILL_MATCHED,
        ),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the purchase routes under ``/api/v1/purchase/``."""
    for controller in (
        VendorController,
        VendorProductController,
        OrderController,
        ReceiptController,
        BillController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The purchase tables and migrations."""
    return "nexus_purchase.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Draft requests for quotation from Inventory's low-stock events."""
    register(STOCK_LOW, draft_for_low_stock)
