"""Chart templates: the accounts, journals and taxes seeded for a new tenant."""

from __future__ import annotations

__all__ = ("CHARTS", "JOURNALS")

# (code, name, type, subtype)
_IFRS_GENERIC: tuple[tuple[str, str, str, str | None], ...] = (
    ("1000", "Bank", "asset", "bank"),
    ("1010", "Cash", "asset", "cash"),
    ("1100", "Trade receivables", "asset", "receivable"),
    ("1150", "Other receivables", "asset", None),
    ("1200", "Inventory", "asset", "inventory"),
    ("1300", "Tax receivable (input tax)", "asset", "tax_receivable"),
    ("1400", "Prepaid expenses", "asset", "prepayment"),
    ("1420", "VAS wallet (prepaid)", "asset", None),
    ("1500", "Property, plant and equipment", "asset", "fixed_asset"),
    ("1510", "Accumulated depreciation", "asset", "fixed_asset"),
    ("2000", "Trade payables", "liability", "payable"),
    ("2100", "Stock received not billed", "liability", "stock_received"),
    ("2200", "Tax payable (output tax)", "liability", "tax_payable"),
    ("2300", "Accrued expenses", "liability", None),
    ("2400", "Wages payable", "liability", None),
    ("2500", "Short-term borrowings", "liability", None),
    ("2600", "Customer advances", "liability", None),
    ("3000", "Share capital", "equity", None),
    ("3100", "Retained earnings", "equity", "retained_earnings"),
    ("3200", "Opening balance equity", "equity", "opening_balance"),
    ("4000", "Sales of goods", "income", "sales"),
    ("4100", "Revenue from services", "income", "sales"),
    ("4200", "Value-added services revenue", "income", None),
    ("4900", "Other income", "income", "other_income"),
    ("4950", "Foreign exchange gains", "income", "fx_gain"),
    ("5000", "Cost of goods sold", "expense", "cogs"),
    ("5100", "Stock adjustments", "expense", "stock_adjustment"),
    ("5200", "Purchase price differences", "expense", "price_difference"),
    ("6000", "Purchases and general expenses", "expense", "expense"),
    ("6100", "Salaries and wages", "expense", None),
    ("6200", "Rent", "expense", None),
    ("6300", "Utilities", "expense", None),
    ("6400", "Depreciation", "expense", "depreciation"),
    ("6500", "Bank charges", "expense", None),
    ("6700", "Cost of value-added services", "expense", None),
    ("6900", "Foreign exchange losses", "expense", "fx_loss"),
    ("7000", "Income tax expense", "expense", None),
)

CHARTS: dict[str, tuple[tuple[str, str, str, str | None], ...]] = {
    "ifrs_generic": _IFRS_GENERIC,
}
"""Chart templates by name (``FinanceSettings.chart_template``)."""

# (code, name, type, code of its default account)
JOURNALS: tuple[tuple[str, str, str, str | None], ...] = (
    ("INV", "Customer invoices", "sale", "4000"),
    ("BILL", "Vendor bills", "purchase", "6000"),
    ("BNK1", "Bank", "bank", "1000"),
    ("CSH1", "Cash", "cash", "1010"),
    ("MISC", "Miscellaneous operations", "general", None),
    ("STJ", "Inventory valuation", "general", "1200"),
)
"""Journals seeded with every chart."""
