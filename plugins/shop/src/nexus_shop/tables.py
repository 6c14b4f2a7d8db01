"""The shop tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/`` (composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant; a listing's ``search`` column is a
generated ``tsvector`` with a GIN index). The logic modules query with SQL; these classes
give Piccolo (and ``nexus migrate``) the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import (
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Integer,
    Numeric,
    Text,
    Timestamptz,
)
from piccolo.table import Table

__all__ = (
    "Cart",
    "CartLine",
    "Category",
    "Discount",
    "Image",
    "Listing",
    "Order",
    "OrderLine",
    "Price",
    "PriceList",
    "ShippingMethod",
    "State",
)


class State(TenantOwned, Table, tablename="shop_state"):
    """One row per tenant: the next order number."""

    next_number = BigInt(default=1)


class Category(TenantOwned, Table, tablename="shop_category"):
    """A storefront category (one level of nesting through ``parent_id``)."""

    name = Text()
    slug = Text()
    parent_id = UUID(null=True)
    position = Integer(default=0)
    created_at = Timestamptz()


class Listing(TenantOwned, Table, tablename="shop_listing"):
    """An Inventory product as the storefront shows it: published or not, in a category."""

    product_id = UUID()
    sku = Text()
    title = Text()
    description = Text()
    category_id = UUID(null=True)
    published = Boolean(default=False)
    language = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Image(TenantOwned, Table, tablename="shop_image"):
    """A listing's image, an object in the tenant's files store."""

    listing_id = UUID()
    blob_key = Text()
    content_type = Text()
    size = BigInt()
    position = Integer(default=0)
    created_at = Timestamptz()


class PriceList(TenantOwned, Table, tablename="shop_price_list"):
    """Prices in one currency; the default list of a currency is the storefront's."""

    name = Text()
    currency = Text()
    is_default = Boolean(default=False)
    created_at = Timestamptz()


class Price(TenantOwned, Table, tablename="shop_price"):
    """A product's unit price in a price list."""

    price_list_id = UUID()
    product_id = UUID()
    amount = Numeric()


class ShippingMethod(TenantOwned, Table, tablename="shop_shipping_method"):
    """How orders are shipped: a flat rate in a currency, free above a subtotal."""

    name = Text()
    currency = Text()
    rate = Numeric()
    free_over = Numeric(null=True)
    countries = Array(base_column=Text())
    active = Boolean(default=True)
    created_at = Timestamptz()


class Discount(TenantOwned, Table, tablename="shop_discount"):
    """A discount code: a percent off, or an amount off in one currency."""

    code = Text()
    kind = Text()
    value = Numeric()
    currency = Text(null=True)
    min_subtotal = Numeric(null=True)
    max_uses = Integer(null=True)
    used = Integer(default=0)
    starts_at = Timestamptz(null=True)
    ends_at = Timestamptz(null=True)
    active = Boolean(default=True)
    created_at = Timestamptz()


class Cart(TenantOwned, Table, tablename="shop_cart"):
    """A visitor's cart, reached by its token (only the token's hash is kept)."""

    token_hash = Bytea()
    price_list_id = UUID()
    currency = Text()
    discount_id = UUID(null=True)
    shipping_method_id = UUID(null=True)
    customer = Text(null=True)
    status = Text()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class CartLine(TenantOwned, Table, tablename="shop_cart_line"):
    """A product and quantity in a cart."""

    cart_id = UUID()
    product_id = UUID()
    quantity = Numeric()


class Order(TenantOwned, Table, tablename="shop_order"):
    """A placed order: its customer, totals, invoice, payment and status."""

    number = Text()
    cart_id = UUID()
    status = Text()
    customer_email = Text()
    customer_name = Text()
    customer_phone = Text(null=True)
    customer = Text(null=True)
    address = Text()
    city = Text()
    postal_code = Text(null=True)
    country = Text()
    currency = Text()
    subtotal = Numeric()
    discount_total = Numeric()
    shipping_total = Numeric()
    tax_total = Numeric()
    total = Numeric()
    discount_id = UUID(null=True)
    shipping_method_id = UUID(null=True)
    payment_method = Text()
    invoice_id = UUID(null=True)
    invoice_number = Text(null=True)
    credit_note_id = UUID(null=True)
    checkout_id = UUID(null=True)
    payment_url = Text(null=True)
    payment_id = UUID(null=True)
    payment_error = Text(null=True)
    expires_at = Timestamptz()
    paid_at = Timestamptz(null=True)
    cancelled_at = Timestamptz(null=True)
    cancel_reason = Text(null=True)
    created_at = Timestamptz()


class OrderLine(TenantOwned, Table, tablename="shop_order_line"):
    """A line of an order, priced when it was placed."""

    order_id = UUID()
    position = Integer()
    product_id = UUID()
    sku = Text()
    description = Text()
    quantity = Numeric()
    unit_price = Numeric()
