"""Piccolo tables of the Finance plugin; every one is tenant-owned (row-level security).

The SQL in ``migrations/`` is the schema's source of truth (checks, composite foreign keys
``(tenant_id, …)``, per-tenant unique keys); these classes name the tables for Piccolo and
the kernel (purge, ``nexus migrate``).
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import (
    JSONB,
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

__all__ = ("TABLES",)

_MONEY = (24, 6)


class Company(TenantOwned, Table, tablename="finance_company"):
    """The tenant's books: base currency and what was seeded."""

    base_currency = Text()
    chart_template = Text()
    fiscal_year_start_month = Integer()
    seeded_at = Timestamptz()
    # Legal details and PDF template (documents; migration 2026-12-06T03).
    legal_name = Text(null=True)
    address_line1 = Text(null=True)
    address_line2 = Text(null=True)
    postal_code = Text(null=True)
    city = Text(null=True)
    country = Text(null=True)
    tax_id = Text(null=True)
    # Taxes (migration 2026-12-06T16).
    tax_exempt = Boolean(default=False)
    fiscal_position_id = UUID(null=True)
    registration_number = Text(null=True)
    email = Text(null=True)
    phone = Text(null=True)
    bank_account = Text(null=True)
    bank_bic = Text(null=True)
    payment_instructions = Text(null=True)
    logo_key = Text(null=True)
    logo_content_type = Text(null=True)
    pdf_accent_color = Text(default="#1F4E79")
    pdf_footer = Text(null=True)
    pdf_show_logo = Boolean(default=True)
    locale = Text(null=True)


class Account(TenantOwned, Table, tablename="finance_account"):
    """An account of the chart: ``code`` unique per tenant."""

    code = Text()
    name = Text()
    type = Text()
    subtype = Text(null=True)
    currency = Text(null=True)
    active = Boolean(default=True)
    created_at = Timestamptz()


class FiscalYear(TenantOwned, Table, tablename="finance_fiscal_year"):
    """A fiscal year, split into periods."""

    name = Text()
    start_date = Date()
    end_date = Date()


class Period(TenantOwned, Table, tablename="finance_period"):
    """A month (usually) of a fiscal year; a closed period takes no posting."""

    fiscal_year_id = UUID()
    name = Text()
    start_date = Date()
    end_date = Date()
    state = Text(default="open")
    closed_at = Timestamptz(null=True)


class Journal(TenantOwned, Table, tablename="finance_journal"):
    """A book of entries (sales, purchase, bank, general) with its own numbering."""

    code = Text()
    name = Text()
    type = Text()
    default_account_id = UUID(null=True)


class Tax(TenantOwned, Table, tablename="finance_tax"):
    """A tax rate, included in or added to prices, booked to its tax account."""

    name = Text()
    scope = Text()
    rate = Numeric(digits=(9, 4))
    price_include = Boolean(default=False)
    account_id = UUID()
    active = Boolean(default=True)
    tags = Array(base_column=Text())
    """Report tags a tax return reads (``reverse_charge``, ``eu_goods_supply``…)."""
    is_default = Boolean(default=False)
    """The company's default tax of its scope (migration 2026-12-06T16)."""


class Partner(TenantOwned, Table, tablename="finance_partner"):
    """A customer or supplier; ``partner_ref`` links it to a CRM company."""

    name = Text()
    kind = Text()
    email = Text(null=True)
    partner_ref = UUID(null=True)
    created_at = Timestamptz()
    # Address and tax id for documents (migration 2026-12-06T03).
    address_line1 = Text(null=True)
    address_line2 = Text(null=True)
    postal_code = Text(null=True)
    city = Text(null=True)
    country = Text(null=True)
    tax_id = Text(null=True)


class Rate(TenantOwned, Table, tablename="finance_rate"):
    """An exchange rate: base-currency units for one unit of ``currency`` on a date."""

    currency = Text()
    rate_date = Date()
    rate = Numeric(digits=(24, 10))


class Entry(TenantOwned, Table, tablename="finance_entry"):
    """A posted journal entry; its lines balance in every currency."""

    journal_id = UUID()
    number = Text()
    date = Date()
    reference = Text(null=True)
    memo = Text(null=True)
    source = Text()
    source_ref = Text(null=True)
    reversal_of = UUID(null=True)
    created_at = Timestamptz()


class EntryLine(TenantOwned, Table, tablename="finance_entry_line"):
    """One debit or credit, in its currency and converted to the base currency."""

    entry_id = UUID()
    line_no = Integer()
    account_id = UUID()
    partner_id = UUID(null=True)
    description = Text(null=True)
    currency = Text()
    debit = Numeric(digits=_MONEY)
    credit = Numeric(digits=_MONEY)
    rate = Numeric(digits=(24, 10))
    base_debit = Numeric(digits=_MONEY)
    base_credit = Numeric(digits=_MONEY)
    date = Date()


class Invoice(TenantOwned, Table, tablename="finance_invoice"):
    """A customer invoice, a supplier bill or a credit note of either."""

    kind = Text()
    direction = Text()
    number = Text(null=True)
    state = Text(default="draft")
    partner_id = UUID()
    date = Date()
    due_date = Date()
    currency = Text()
    rate = Numeric(digits=(24, 10), null=True)
    untaxed_total = Numeric(digits=_MONEY)
    tax_total = Numeric(digits=_MONEY)
    total = Numeric(digits=_MONEY)
    amount_paid = Numeric(digits=_MONEY)
    reference = Text(null=True)
    notes = Text(null=True)
    reversal_of = UUID(null=True)
    entry_id = UUID(null=True)
    source_ref = Text(null=True)
    posted_at = Timestamptz(null=True)
    paid_at = Timestamptz(null=True)
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True)
    sent_to = Array(base_column=Text())
    sent_delivery = JSONB(default="[]")
    sent_key = Text(null=True)


class InvoiceLine(TenantOwned, Table, tablename="finance_invoice_line"):
    """A line of an invoice: quantity × unit price, an account and an optional tax."""

    invoice_id = UUID()
    line_no = Integer()
    description = Text()
    quantity = Numeric(digits=(24, 6))
    unit_price = Numeric(digits=_MONEY)
    account_id = UUID()
    tax_id = UUID(null=True)
    product_id = UUID(null=True)
    sku = Text(null=True)
    discount_percent = Numeric(digits=(7, 4))
    subtotal = Numeric(digits=_MONEY)
    tax_amount = Numeric(digits=_MONEY)
    total = Numeric(digits=_MONEY)


class Payment(TenantOwned, Table, tablename="finance_payment"):
    """Money received from a customer (inbound) or paid to a supplier (outbound)."""

    partner_id = UUID()
    direction = Text()
    date = Date()
    amount = Numeric(digits=_MONEY)
    currency = Text()
    journal_id = UUID()
    entry_id = UUID()
    reference = Text(null=True)
    created_at = Timestamptz()


class Allocation(TenantOwned, Table, tablename="finance_payment_allocation"):
    """The part of a payment (or of a credit note) settling one invoice."""

    payment_id = UUID(null=True)
    credit_note_id = UUID(null=True)
    invoice_id = UUID()
    amount = Numeric(digits=_MONEY)
    created_at = Timestamptz()
    date = Date(null=True)
    entry_id = UUID(null=True)
    document_amount = Numeric(digits=_MONEY, null=True)


class RemovedAllocation(TenantOwned, Table, tablename="finance_allocation_removed"):
    """An un-reconciled allocation, kept with the day it stopped counting."""

    payment_id = UUID(null=True)
    credit_note_id = UUID(null=True)
    invoice_id = UUID()
    amount = Numeric(digits=_MONEY)
    document_amount = Numeric(digits=_MONEY, null=True)
    date = Date()
    removed_on = Date()
    entry_id = UUID(null=True)
    removal_entry_id = UUID(null=True)
    created_at = Timestamptz()
    removed_at = Timestamptz()


class BankStatement(TenantOwned, Table, tablename="finance_bank_statement"):
    """A bank statement imported for a bank or cash journal (CAMT.053, OFX or CSV)."""

    journal_id = UUID()
    name = Text()
    account_number = Text(null=True)
    format = Text()
    currency = Text()
    date_from = Date()
    date_to = Date()
    opening_balance = Numeric(digits=_MONEY)
    closing_balance = Numeric(digits=_MONEY)
    content_hash = Text()
    created_at = Timestamptz()


class StatementLine(TenantOwned, Table, tablename="finance_statement_line"):
    """A line of a bank statement: a signed amount, open until reconciled with the books."""

    statement_id = UUID()
    journal_id = UUID()
    line_no = Integer()
    date = Date()
    amount = Numeric(digits=_MONEY)
    currency = Text()
    counterparty_name = Text(null=True)
    counterparty_account = Text(null=True)
    reference = Text(null=True)
    unique_id = Text(null=True)
    state = Text(default="open")
    method = Text(null=True)
    payment_id = UUID(null=True)
    entry_id = UUID(null=True)
    reconciled_at = Timestamptz(null=True)


class StatementMatch(TenantOwned, Table, tablename="finance_statement_match"):
    """A bank-account ledger line a statement line is reconciled with (each line once)."""

    statement_line_id = UUID()
    entry_line_id = UUID()
    created_at = Timestamptz()


class BankCsvMapping(TenantOwned, Table, tablename="finance_bank_csv_mapping"):
    """How to read a bank account's CSV statements: its columns and formats."""

    journal_id = UUID()
    date_column = Text()
    amount_column = Text(null=True)
    debit_column = Text(null=True)
    credit_column = Text(null=True)
    description_column = Text(null=True)
    reference_column = Text(null=True)
    counterparty_column = Text(null=True)
    counterparty_account_column = Text(null=True)
    unique_id_column = Text(null=True)
    date_format = Text()
    decimal_separator = Text()
    delimiter = Text()
    currency = Text(null=True)
    updated_at = Timestamptz()


class BankRule(TenantOwned, Table, tablename="finance_bank_rule"):
    """A reconciliation rule: statement lines it matches are booked to an account."""

    name = Text()
    journal_id = UUID(null=True)
    text_contains = Text(null=True)
    direction = Text(default="any")
    amount_min = Numeric(digits=_MONEY, null=True)
    amount_max = Numeric(digits=_MONEY, null=True)
    account_id = UUID()
    partner_id = UUID(null=True)
    description = Text(null=True)
    active = Boolean(default=True)
    created_at = Timestamptz()


class ProductTax(TenantOwned, Table, tablename="finance_product_tax"):
    """A product's default sales and purchase taxes (Inventory's product id)."""

    product_id = UUID()
    sale_tax_ids = Array(base_column=UUID())
    purchase_tax_ids = Array(base_column=UUID())
    updated_at = Timestamptz()


class FiscalPosition(TenantOwned, Table, tablename="finance_fiscal_position"):
    """Maps taxes for some partners (EU B2B reverse charge…); applied by country or VAT id."""

    name = Text()
    auto_apply = Boolean(default=False)
    countries = Array(base_column=Text())
    vat_required = Boolean(default=False)
    active = Boolean(default=True)
    created_at = Timestamptz()


class FiscalPositionTax(TenantOwned, Table, tablename="finance_fiscal_position_tax"):
    """One mapping of a fiscal position: source tax → destination tax, or none."""

    fiscal_position_id = UUID()
    source_tax_id = UUID()
    dest_tax_id = UUID(null=True)


TABLES: list[type[Table]] = [
    Company,
    Account,
    FiscalYear,
    Period,
    Journal,
    Tax,
    Partner,
    Rate,
    Entry,
    EntryLine,
    Invoice,
    InvoiceLine,
    Payment,
    Allocation,
    RemovedAllocation,
    BankStatement,
    StatementLine,
    StatementMatch,
    BankCsvMapping,
    BankRule,
    ProductTax,
    FiscalPosition,
    FiscalPositionTax,
]
