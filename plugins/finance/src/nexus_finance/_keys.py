"""Finance's permission and feature keys."""

from __future__ import annotations

__all__ = (
    "ACCOUNTS_READ",
    "ACCOUNTS_WRITE",
    "BANK_READ",
    "BANK_WRITE",
    "ENTRIES_READ",
    "ENTRIES_WRITE",
    "INVENTORY_VALUATION",
    "INVOICES_READ",
    "INVOICES_WRITE",
    "INVOICE_FROM_DEAL",
    "MULTI_CURRENCY",
    "PARTNERS_READ",
    "PARTNERS_WRITE",
    "PAYMENTS_READ",
    "PAYMENTS_WRITE",
    "PAYROLL_JOURNAL",
    "PERIODS_READ",
    "PERIODS_WRITE",
    "REPORTS_READ",
)

ACCOUNTS_READ = "finance.accounts:read"
"""The chart of accounts, journals, taxes, exchange rates and the books' settings."""
ACCOUNTS_WRITE = "finance.accounts:write"
ENTRIES_READ = "finance.entries:read"
"""The journal entries: the general ledger line by line (tenant admins only)."""
ENTRIES_WRITE = "finance.entries:write"
INVOICES_READ = "finance.invoices:read"
INVOICES_WRITE = "finance.invoices:write"
PARTNERS_READ = "finance.partners:read"
PARTNERS_WRITE = "finance.partners:write"
PAYMENTS_READ = "finance.payments:read"
PAYMENTS_WRITE = "finance.payments:write"
PERIODS_READ = "finance.periods:read"
PERIODS_WRITE = "finance.periods:write"
REPORTS_READ = "finance.reports:read"
"""Trial balance, profit and loss, balance sheet, general ledger, aged balances (admins)."""
BANK_READ = "finance.bank:read"
"""Bank statements, their lines, matching suggestions, rules and the reconciliation report."""
BANK_WRITE = "finance.bank:write"
"""Import statements, reconcile their lines, save CSV mappings and rules (admins)."""

MULTI_CURRENCY = "finance.multi_currency"
INVOICE_FROM_DEAL = "finance.invoice_from_deal"
INVENTORY_VALUATION = "finance.inventory_valuation"
PAYROLL_JOURNAL = "finance.payroll_journal"
"""Feature: HR's approved pay runs (hr.payrun.posted.v1) are booked in the PAY journal."""
