"""The VAS tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/`` (composite foreign keys
``(tenant_id, …)`` keep references inside one tenant); the logic modules query with SQL.
These classes give Piccolo (and ``nexus migrate``) the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import JSONB, UUID, Numeric, Text, Timestamptz
from piccolo.table import Table

__all__ = ("Provider", "Tenant", "Transaction", "Wallet", "WalletEntry")


class Tenant(TenantOwned, Table, tablename="vas_tenant"):
    """The tenant's slug, for the URLs providers call back."""

    slug = Text()


class Provider(TenantOwned, Table, tablename="vas_provider"):
    """A provider's credentials, encrypted (Fernet)."""

    provider = Text()
    config_enc = Text()
    updated_at = Timestamptz()


class Wallet(TenantOwned, Table, tablename="vas_wallet"):
    """The prepaid wallet in one currency."""

    currency = Text()
    balance = Numeric(digits=(20, 6))
    created_at = Timestamptz()


class WalletEntry(TenantOwned, Table, tablename="vas_wallet_entry"):
    """One change of a wallet's balance: a funding, a purchase's debit, a reversal."""

    wallet_id = UUID()
    kind = Text()
    amount = Numeric(digits=(20, 6))
    balance = Numeric(digits=(20, 6))
    reference = Text()
    transaction_id = UUID(null=True)
    note = Text(null=True)
    created_at = Timestamptz()


class Transaction(TenantOwned, Table, tablename="vas_transaction"):
    """An airtime, data or bill purchase and its status at the provider."""

    kind = Text()
    provider = Text()
    idempotency_key = Text()
    recipient = Text()
    amount = Numeric(digits=(20, 6))
    currency = Text()
    price = Numeric(digits=(20, 6), null=True)
    product = JSONB()
    description = Text()
    status = Text()
    provider_ref = Text(null=True)
    provider_status = Text(null=True)
    error = Text(null=True)
    completed_at = Timestamptz(null=True)
    reversed_at = Timestamptz(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
