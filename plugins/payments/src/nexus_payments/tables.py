"""The payments tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/`` (composite foreign keys
``(tenant_id, …)`` keep references inside one tenant); the logic modules query with SQL.
These classes give Piccolo (and ``nexus migrate``) the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import JSONB, UUID, Array, Boolean, Numeric, Text, Timestamptz
from piccolo.table import Table

__all__ = ("Account", "Checkout", "Payment", "Refund", "Tenant", "WebhookEvent")


class Tenant(TenantOwned, Table, tablename="payments_tenant"):
    """The tenant's slug, for the checkout links and webhook URLs."""

    slug = Text()


class Account(TenantOwned, Table, tablename="payments_account"):
    """A provider account: its keys (encrypted, Fernet), currencies, whether default."""

    provider = Text()
    config_enc = Text()
    currencies = Array(base_column=Text())
    is_default = Boolean()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Checkout(TenantOwned, Table, tablename="payments_checkout"):
    """What a customer is asked to pay, and the provider's page for it."""

    source = Text()
    source_ref = Text()
    amount = Numeric()
    currency = Text()
    description = Text()
    customer = JSONB()
    invoice_id = UUID(null=True)
    provider = Text()
    methods = Array(base_column=Text(), null=True)
    return_url = Text(null=True)
    metadata = JSONB()
    status = Text()
    provider_ref = Text(null=True)
    provider_url = Text(null=True)
    failure = Text(null=True)
    expires_at = Timestamptz(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Payment(TenantOwned, Table, tablename="payments_payment"):
    """A payment the provider's API confirmed: once per checkout."""

    checkout_id = UUID()
    provider = Text()
    provider_ref = Text()
    amount = Numeric()
    currency = Text()
    fee = Numeric()
    net = Numeric()
    refunded = Numeric()
    method = Text()
    confirmed_at = Timestamptz()


class Refund(TenantOwned, Table, tablename="payments_refund"):
    """A refund of (part of) a payment through its provider."""

    payment_id = UUID()
    amount = Numeric()
    currency = Text()
    reason = Text(null=True)
    status = Text()
    provider_ref = Text(null=True)
    created_at = Timestamptz()
    completed_at = Timestamptz(null=True)


class WebhookEvent(TenantOwned, Table, tablename="payments_webhook_event"):
    """A provider's webhook event, by its id: each is processed once."""

    provider = Text()
    event_id = Text()
    kind = Text()
    outcome = Text()
    received_at = Timestamptz()
