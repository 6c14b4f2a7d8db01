"""Nexus Finance: a double-entry ledger — accounts, journals, invoices, bills, payments, reports.

Routes live under ``/api/v1/finance/``; the tables in the Piccolo app ``finance``. The plugin
requires no other: it links customers to CRM companies by reference and books Inventory's
stock valuations through events when those plugins are on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import Feature, Manifest, Permission, Service, hookimpl

from nexus_finance._ai_tools import nexus_ai_tools  # noqa: F401 - the hookimpl
from nexus_finance._books import seed as seed_books
from nexus_finance._document_events import INVOICE_RENDERED, INVOICE_SENT
from nexus_finance._events import (
    BANK_STATEMENT_IMPORTED,
    INVOICE_PAID,
    INVOICE_POSTED,
    PAYMENT_ALLOCATED,
    PAYMENT_RECEIVED,
    PAYMENT_UNALLOCATED,
    STATEMENT_LINE_RECONCILED,
)
from nexus_finance._examples import EXAMPLES
from nexus_finance._handlers import (
    DEAL_WON,
    PAYRUN_POSTED,
    VALUATION_POSTED,
    on_deal_won,
    on_payrun_posted,
    on_valuation_posted,
)
from nexus_finance._keys import (
    ACCOUNTS_READ,
    ACCOUNTS_WRITE,
    BANK_READ,
    BANK_WRITE,
    ENTRIES_READ,
    ENTRIES_WRITE,
    INVOICES_READ,
    INVOICES_WRITE,
    PARTNERS_READ,
    PARTNERS_WRITE,
    PAYMENTS_READ,
    PAYMENTS_WRITE,
    PERIODS_READ,
    PERIODS_WRITE,
    REPORTS_READ,
)
from nexus_finance._payments_in import (
    PAYMENT_CONFIRMED,
    REFUND_COMPLETED,
    on_payment_confirmed,
    on_refund_completed,
)
from nexus_finance._rendering import on_invoice_posted
from nexus_finance._routes_bank import (
    BankAccountController,
    BankReportController,
    BankRuleController,
    BankStatementController,
)
from nexus_finance._routes_chart import (
    AccountController,
    JournalController,
    TaxController,
)
from nexus_finance._routes_company import CompanyController
from nexus_finance._routes_documents import DocumentController
from nexus_finance._routes_entries import EntryController
from nexus_finance._routes_exports import ExportController
from nexus_finance._routes_invoices import InvoiceController, PaymentController
from nexus_finance._routes_partners import PartnerController
from nexus_finance._routes_periods import FiscalYearController, PeriodController, RateController
from nexus_finance._routes_reconcile import (
    InvoiceAllocationController,
    OpenItemsController,
    PaymentAllocationController,
)
from nexus_finance._routes_reports import ReportController
from nexus_finance._routes_send import InvoiceSendController
from nexus_finance._routes_tax import TaxReturnController, TaxSummaryController
from nexus_finance._routes_taxes import FiscalPositionController, ProductTaxController
from nexus_finance._seed import FinanceSeed
from nexus_finance._services import SERVICES
from nexus_finance._settings import FinanceSettings
from nexus_finance._ui import nexus_ui as nexus_ui  # the workspace's screens
from nexus_finance._vas_in import VAS_HANDLERS
from nexus_finance.tables import TABLES

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Connection, EventHandler, TenantRef

__all__ = (
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_services",
    "nexus_tenant_enable",
)

_MEMBER = ("tenant_admin", "member")


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin: features, permissions, settings, events, tables."""
    return Manifest(
        name="finance",
        version="0.1.0",
        title="Finance",
        summary="A double-entry ledger: accounts, journals, invoices, bills, payments and reports.",
        hookspecs=">=0.1.7,<0.2",
        features=(
            Feature(
                key="multi_currency",
                title="Multiple currencies",
                description="Documents, entries and payments in currencies other than the base "
                "currency, converted with stored exchange rates.",
            ),
            Feature(
                key="invoice_from_deal",
                title="Invoices from won deals",
                description="A deal won in CRM (crm.deal.won.v1) drafts an invoice for it.",
            ),
            Feature(
                key="inventory_valuation",
                title="Stock valuation entries",
                description="Inventory's valuations (inventory.valuation.posted.v1) are booked to "
                "the inventory, stock received not billed, cost of goods sold and stock "
                "adjustment accounts.",
            ),
            Feature(
                key="payroll_journal",
                title="Payroll journal entries",
                description="HR's approved pay runs (hr.payrun.posted.v1) are booked in the PAY "
                "journal: salaries and employer costs, payroll liabilities and wages payable.",
            ),
        ),
        permissions=(
            Permission(
                key=ACCOUNTS_READ,
                description="Read the chart, journals, taxes, rates and the books' settings.",
                roles=_MEMBER,
            ),
            Permission(
                key=ACCOUNTS_WRITE,
                description="Change the chart, journals, taxes, rates, and the company's legal "
                "details, PDF template and logo.",
            ),
            Permission(
                key=ENTRIES_READ,
                description="Read the journal entries (the general ledger, line by line).",
            ),
            Permission(key=ENTRIES_WRITE, description="Post and reverse manual journal entries."),
            Permission(
                key=REPORTS_READ,
                description="Read the reports: trial balance, profit and loss, balance sheet, "
                "general ledger, aged receivables and payables, tax summary and tax returns.",
            ),
            Permission(
                key=PERIODS_READ, description="Read fiscal years and periods.", roles=_MEMBER
            ),
            Permission(
                key=PERIODS_WRITE,
                description="Open and close fiscal years; close and reopen periods.",
            ),
            Permission(
                key=INVOICES_READ,
                description="Read invoices, bills and credit notes, their PDFs and e-invoices.",
                roles=_MEMBER,
            ),
            Permission(
                key=INVOICES_WRITE,
                description="Draft, post, cancel and credit invoices and bills.",
                roles=_MEMBER,
            ),
            Permission(key=PARTNERS_READ, description="Read partners.", roles=_MEMBER),
            Permission(
                key=PARTNERS_WRITE, description="Create and change partners.", roles=_MEMBER
            ),
            Permission(key=PAYMENTS_READ, description="Read payments.", roles=_MEMBER),
            Permission(
                key=PAYMENTS_WRITE,
                description="Record payments; allocate and un-reconcile them.",
                roles=_MEMBER,
            ),
            Permission(
                key=BANK_READ,
                description="Read bank statements, matching suggestions, rules and the bank "
                "reconciliation report.",
            ),
            Permission(
                key=BANK_WRITE,
                description="Import bank statements, reconcile their lines (payments and entries "
                "included), save CSV mappings and rules.",
            ),
        ),
        settings=FinanceSettings,
        seed=FinanceSeed,
        profile_settings={
            "base_currency": "currency",
            "country": "country",
            "fiscal_year_start_month": "fiscal_year_start",
            "locale": "locale",
        },
        events=(
            INVOICE_POSTED,
            INVOICE_PAID,
            PAYMENT_RECEIVED,
            PAYMENT_ALLOCATED,
            PAYMENT_UNALLOCATED,
            BANK_STATEMENT_IMPORTED,
            STATEMENT_LINE_RECONCILED,
            INVOICE_RENDERED,
            INVOICE_SENT,
        ),
        tenant_tables=tuple(table._meta.tablename for table in TABLES),
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the Finance controllers under ``/api/v1/finance/``."""
    for controller in (
        CompanyController,
        AccountController,
        JournalController,
        TaxController,
        PartnerController,
        FiscalYearController,
        PeriodController,
        RateController,
        EntryController,
        InvoiceController,
        PaymentController,
        ReportController,
        TaxSummaryController,
        TaxReturnController,
        PaymentAllocationController,
        InvoiceAllocationController,
        OpenItemsController,
        DocumentController,
        BankStatementController,
        BankAccountController,
        BankRuleController,
        BankReportController,
        ExportController,
        ProductTaxController,
        FiscalPositionController,
        InvoiceSendController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The Piccolo app with the Finance tables and migrations."""
    return "nexus_finance.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, EventHandler], None]) -> None:
    """Draft invoices for won deals; book Inventory's stock valuations and HR's pay runs.

    Finance also handles its own ``finance.invoice.posted.v1``: the PDF goes to the files
    store and ``finance.invoice.rendered.v1`` follows.
    """
    register(DEAL_WON, on_deal_won)
    register(VALUATION_POSTED, on_valuation_posted)
    register(PAYRUN_POSTED, on_payrun_posted)
    register(INVOICE_POSTED.type, on_invoice_posted)
    for event_type, vas_handler in VAS_HANDLERS:  # VAS's prepaid wallet (_vas_in)
        register(event_type, vas_handler)
    register(PAYMENT_CONFIRMED, on_payment_confirmed)
    register(REFUND_COMPLETED, on_refund_completed)


@hookimpl
def nexus_services(register: Callable[[Service], None]) -> None:
    """Offer taxes, partners and documents to Sales, Purchase and Inventory (``_services``)."""
    for name, handler, request, response, description in SERVICES:
        register(
            Service(
                name=name,
                handler=handler,
                request=request,
                response=response,
                description=description,
            )
        )


@hookimpl
async def nexus_tenant_enable(
    tenant: TenantRef, settings: Any, conn: Connection, seed: Any
) -> None:
    """Seed the chart of accounts, journals, taxes and current fiscal year from the preset.

    ``seed`` is the preset's or profile's ``[seed.finance]`` (``FinanceSeed``): its
    ``tax_rates`` are created too.
    """
    if not isinstance(settings, FinanceSettings):
        settings = msgspec.convert(settings or {}, FinanceSettings, strict=False)
    if seed is not None and not isinstance(seed, FinanceSeed):
        seed = msgspec.convert(seed, FinanceSeed, strict=False)
    await seed_books(conn, settings, data=seed)
