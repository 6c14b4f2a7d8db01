"""The purchase tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/``: composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant, and ``on delete cascade`` lets the
kernel purge a tenant's rows table by table. Products and partners live in Inventory and
Finance: only their ids are kept here (no foreign key across plugins).
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import (
    UUID,
    Array,
    Boolean,
    Date,
    Integer,
    Numeric,
    Text,
    Timestamptz,
)
from piccolo.table import Table

__all__ = (
    "Bill",
    "BillLine",
    "Order",
    "OrderLine",
    "Receipt",
    "ReceiptLine",
    "Vendor",
    "VendorProduct",
)

_QTY = (20, 6)


class Vendor(TenantOwned, Table, tablename="purchase_vendor"):
    """A vendor: its id is the Finance partner's (kind supplier)."""

    name = Text()
    email = Text(null=True)
    country = Text(null=True)
    tax_id = Text(null=True)
    created_at = Timestamptz()


class VendorProduct(TenantOwned, Table, tablename="purchase_vendor_product"):
    """What a vendor charges for a product, its lead time, and whether it is preferred."""

    vendor_id = UUID()
    product_id = UUID()
    price = Numeric(digits=_QTY)
    currency = Text()
    lead_time_days = Integer(default=0)
    preferred = Boolean(default=False)
    vendor_sku = Text(null=True)
    created_at = Timestamptz()


class Order(TenantOwned, Table, tablename="purchase_order"):
    """A request for quotation (draft, sent) that becomes a purchase order once confirmed."""

    number = Text()
    state = Text(default="draft")
    vendor_id = UUID()
    currency = Text()
    order_date = Date()
    notes = Text(null=True)
    origin = Text(null=True)
    sent_at = Timestamptz(null=True)
    confirmed_at = Timestamptz(null=True)
    cancelled_at = Timestamptz(null=True)
    created_at = Timestamptz()


class OrderLine(TenantOwned, Table, tablename="purchase_order_line"):
    """A line ordered: quantity at a unit price, and what was received and billed of it."""

    order_id = UUID()
    position = Integer()
    product_id = UUID(null=True)
    sku = Text(null=True)
    tracked = Boolean(default=False)
    description = Text()
    quantity = Numeric(digits=_QTY)
    unit_price = Numeric(digits=_QTY)
    tax_ids = Array(base_column=UUID(), null=True)
    expected_date = Date(null=True)
    received = Numeric(digits=_QTY)
    billed = Numeric(digits=_QTY)


class Receipt(TenantOwned, Table, tablename="purchase_receipt"):
    """Goods received against an order (Inventory's receipt moves)."""

    order_id = UUID()
    number = Text()
    date = Date()
    created_at = Timestamptz()


class ReceiptLine(TenantOwned, Table, tablename="purchase_receipt_line"):
    """A quantity of an order line received, with Inventory's move."""

    receipt_id = UUID()
    order_line_id = UUID()
    quantity = Numeric(digits=_QTY)
    unit_cost = Numeric(digits=_QTY)
    value = Numeric(digits=_QTY, null=True)
    move_id = UUID(null=True)


class Bill(TenantOwned, Table, tablename="purchase_bill"):
    """A vendor bill against an order: held for approval, or posted in Finance."""

    order_id = UUID()
    vendor_reference = Text()
    date = Date()
    state = Text()
    matched = Boolean()
    approved_at = Timestamptz(null=True)
    document_id = UUID(null=True)
    document_number = Text(null=True)
    credit_document_id = UUID(null=True)
    untaxed_total = Numeric(digits=_QTY, null=True)
    tax_total = Numeric(digits=_QTY, null=True)
    total = Numeric(digits=_QTY, null=True)
    created_at = Timestamptz()


class BillLine(TenantOwned, Table, tablename="purchase_bill_line"):
    """A billed line, compared with the order (price) and the receipts (quantity)."""

    bill_id = UUID()
    order_line_id = UUID()
    quantity = Numeric(digits=_QTY)
    unit_price = Numeric(digits=_QTY)
    ordered_price = Numeric(digits=_QTY)
    received = Numeric(digits=_QTY)
    quantity_difference = Numeric(digits=_QTY)
    price_difference = Numeric(digits=_QTY)
