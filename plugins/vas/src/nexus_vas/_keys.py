"""Permission keys of VAS, as constants."""

from __future__ import annotations

__all__ = (
    "PROVIDERS_MANAGE",
    "TRANSACTIONS_READ",
    "TRANSACTIONS_WRITE",
    "WALLET_READ",
    "WALLET_WRITE",
)

WALLET_READ = "vas.wallet:read"
"""See the wallet's balance and its entries."""

WALLET_WRITE = "vas.wallet:write"
"""Record a top-up of the wallet (money sent to the providers)."""

TRANSACTIONS_READ = "vas.transactions:read"
"""List and show airtime, data and bill transactions; list billers."""

TRANSACTIONS_WRITE = "vas.transactions:write"
"""Buy airtime, data bundles and bill payments from the wallet; reconcile one."""

PROVIDERS_MANAGE = "vas.providers:manage"
"""Keep provider credentials (encrypted at rest, never shown again)."""
