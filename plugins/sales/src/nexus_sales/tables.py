"""The sales tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/``: composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant, and ``on delete cascade`` lets the
kernel purge a tenant's rows table by table. Finance documents, partners and Inventory
products and moves are referenced by id only: they belong to other plugins.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Array, Date, Integer, Numeric, Text, Timestamptz
from piccolo.table import Table

__all__ = (
    "Delivery",
    "DeliveryLine",
    "Invoice",
    "InvoiceLine",
    "Order",
    "OrderLine",
    "ProductPolicy",
    "Quotation",
    "QuotationLine",
    "Return",
    "ReturnLine",
    "Sequence",
)

_QTY = (20, 6)


class Sequence(TenantOwned, Table, tablename="sales_sequence"):
    """The last number given to a kind of document (``quotation``, ``order``, …)."""

    kind = Text()
    last = Integer()


class Quotation(TenantOwned, Table, tablename="sales_quotation"):
    """One version of a quotation; a revision adds a version and supersedes this one."""

    number = Text()
    version = Integer(default=1)
    state = Text(default="draft")
    partner_id = UUID(null=True)
    partner_ref = UUID(null=True)
    partner_name = Text()
    currency = Text()
    validity_date = Date()
    payment_terms = Text()
    notes = Text()
    deal_id = UUID(null=True)
    previous_id = UUID(null=True)
    untaxed_total = Numeric(digits=_QTY)
    tax_total = Numeric(digits=_QTY)
    total = Numeric(digits=_QTY)
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True)
    decided_at = Timestamptz(null=True)


class QuotationLine(TenantOwned, Table, tablename="sales_quotation_line"):
    """A quotation line: a product or free text, its price, discount and taxes."""

    quotation_id = UUID()
    position = Integer()
    product_id = UUID(null=True)
    description = Text()
    quantity = Numeric(digits=_QTY)
    unit_price = Numeric(digits=_QTY)
    discount_percent = Numeric(digits=(7, 4))
    tax_ids = Array(base_column=UUID(), null=True)
    subtotal = Numeric(digits=_QTY)
    tax_amount = Numeric(digits=_QTY)


class Order(TenantOwned, Table, tablename="sales_order"):
    """A sales order, from a quotation, a won deal or the API."""

    number = Text()
    state = Text(default="draft")
    partner_id = UUID(null=True)
    partner_ref = UUID(null=True)
    partner_name = Text()
    currency = Text()
    quotation_id = UUID(null=True)
    deal_id = UUID(null=True)
    payment_terms = Text()
    invoice_seq = Integer()
    created_at = Timestamptz()
    confirmed_at = Timestamptz(null=True)


class OrderLine(TenantOwned, Table, tablename="sales_order_line"):
    """An order line and how much of it was reserved, delivered, returned and invoiced."""

    order_id = UUID()
    position = Integer()
    product_id = UUID(null=True)
    description = Text()
    quantity = Numeric(digits=_QTY)
    unit_price = Numeric(digits=_QTY)
    discount_percent = Numeric(digits=(7, 4))
    tax_ids = Array(base_column=UUID(), null=True)
    subtotal = Numeric(digits=_QTY)
    tax_amount = Numeric(digits=_QTY)
    reserved = Numeric(digits=_QTY)
    delivered = Numeric(digits=_QTY)
    returned = Numeric(digits=_QTY)
    invoiced = Numeric(digits=_QTY)


class Delivery(TenantOwned, Table, tablename="sales_delivery"):
    """Goods of an order that left stock at once (Inventory's delivery moves)."""

    order_id = UUID()
    number = Text()
    value = Numeric(digits=_QTY)
    currency = Text(null=True)
    created_at = Timestamptz()


class DeliveryLine(TenantOwned, Table, tablename="sales_delivery_line"):
    """What one order line delivered: quantity, the cost it left with, its move."""

    delivery_id = UUID()
    order_line_id = UUID()
    product_id = UUID()
    quantity = Numeric(digits=_QTY)
    backordered = Numeric(digits=_QTY)
    unit_cost = Numeric(digits=_QTY)
    value = Numeric(digits=_QTY)
    currency = Text(null=True)
    move_id = UUID(null=True)
    returned = Numeric(digits=_QTY)


class Return(TenantOwned, Table, tablename="sales_return"):
    """Goods of a delivery that came back, with the credit note drafted for them."""

    delivery_id = UUID()
    order_id = UUID()
    number = Text()
    value = Numeric(digits=_QTY)
    credit_note_id = UUID(null=True)
    created_at = Timestamptz()


class ReturnLine(TenantOwned, Table, tablename="sales_return_line"):
    """What came back of one delivery line, at the cost it left with."""

    return_id = UUID()
    delivery_line_id = UUID()
    quantity = Numeric(digits=_QTY)
    unit_cost = Numeric(digits=_QTY)
    value = Numeric(digits=_QTY)


class Invoice(TenantOwned, Table, tablename="sales_invoice"):
    """A Finance document (invoice or credit note) an order drafted: the link."""

    order_id = UUID()
    document_id = UUID()
    kind = Text()
    source_ref = Text()
    return_id = UUID(null=True)
    created_at = Timestamptz()


class InvoiceLine(TenantOwned, Table, tablename="sales_invoice_line"):
    """How much of an order line an invoice (or credit note, negative) covered."""

    invoice_id = UUID()
    order_line_id = UUID()
    quantity = Numeric(digits=_QTY)


class ProductPolicy(TenantOwned, Table, tablename="sales_product_policy"):
    """A product's invoicing policy: on ``order`` or on ``delivery``."""

    product_id = UUID()
    policy = Text()
