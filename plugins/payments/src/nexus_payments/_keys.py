"""Permission keys of Payments, as constants."""

from __future__ import annotations

__all__ = ("ACCOUNTS_MANAGE", "CHECKOUTS_WRITE", "PAYMENTS_READ", "REFUNDS_WRITE")

ACCOUNTS_MANAGE = "payments.accounts:manage"
"""Keep provider accounts and their keys (encrypted at rest, never shown again)."""

CHECKOUTS_WRITE = "payments.checkouts:write"
"""Create checkouts (payment links) for invoices and other sources."""

PAYMENTS_READ = "payments.payments:read"
"""List and show checkouts, payments and refunds; the fees and payouts report."""

REFUNDS_WRITE = "payments.refunds:write"
"""Refund a payment, fully or partly, through its provider."""
