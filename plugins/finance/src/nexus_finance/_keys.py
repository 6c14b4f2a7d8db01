"""Finance's permission and feature keys."""

from __future__ import annotations

__all__ = (
    "ACCOUNTS_WRITE",
    "ENTRIES_WRITE",
    "INVENTORY_VALUATION",
    "INVOICES_WRITE",
    "INVOICE_FROM_DEAL",
    "MULTI_CURRENCY",
    "PARTNERS_WRITE",
    "PAYMENTS_WRITE",
    "PERIODS_WRITE",
)

ACCOUNTS_WRITE = "finance.accounts:write"
ENTRIES_WRITE = "finance.entries:write"
INVOICES_WRITE = "finance.invoices:write"
PARTNERS_WRITE = "finance.partners:write"
PAYMENTS_WRITE = "finance.payments:write"
PERIODS_WRITE = "finance.periods:write"

MULTI_CURRENCY = "finance.multi_currency"
INVOICE_FROM_DEAL = "finance.invoice_from_deal"
INVENTORY_VALUATION = "finance.inventory_valuation"
