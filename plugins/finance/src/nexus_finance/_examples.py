"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples."""

from __future__ import annotations

from typing import Any, TypeVar

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

T = TypeVar("T")

_INVOICE = {
    "kind": "invoice",
    "partner_name": "Example Customer Ltd",
    "lines": [{"description": "Consulting, November", "quantity": "10", "unit_price": "120.00"}],
}

EXAMPLES: dict[str, Any] = {
    "POST /accounts": {"name": "Petty cash", "type": "asset", "subtype": "cash"},
    "PATCH /accounts/{account_id}": {"name": "Petty cash (office)"},
    "POST /journals": {"name": "Second bank", "type": "bank", "default_account_code": "1000"},
    "POST /taxes": {
        "name": "Reduced VAT 5% (sales)",
        "rate": "5",
        "scope": "sale",
        "account_code": "2200",
    },
    "PATCH /taxes/{tax_id}": {"name": "Reduced VAT 5%"},
    # Empty lists (the product untaxed both ways) so that the example works in any tenant;
    # a real call lists tax ids from GET /taxes.
    "PUT /product-taxes/{product_id}": {"sale_tax_ids": [], "purchase_tax_ids": []},
    "POST /fiscal-positions": {
        "name": "Export outside the EU",
        "auto_apply": True,
        "countries": ["US", "CA"],
        "mappings": [],
    },
    "POST /partners": {
        "name": "Example Supplier GmbH",
        "kind": "supplier",
        "address_line1": "Hauptstraße 5",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "tax_id": "DE136695976",
    },
    "PATCH /partners/{partner_id}": {
        "email": "billing@example.com",
        "address_line1": "Friedrichstraße 10",
        "postal_code": "10117",
    },
    "POST /fiscal-years": {},
    "POST /rates": {"currency": "USD", "rate": "0.92"},
    "POST /entries": {
        "memo": "Owner's contribution",
        "lines": [
            {"account_code": "1000", "debit": "1000.00"},
            {"account_code": "3000", "credit": "1000.00"},
        ],
    },
    "POST /invoices": _INVOICE,
    "PUT /invoices/{invoice_id}": {
        **_INVOICE,
        "lines": [{"description": "Consulting, December", "quantity": "8", "unit_price": "120.00"}],
    },
    "POST /invoices/{invoice_id}/credit-note": {"reason": "Two hours billed twice", "post": True},
    "POST /invoices/{invoice_id}/send": {"to": ["accounts@customer.example"]},
    "POST /entries/{entry_id}/reverse": {"date": "2026-12-31"},
    "POST /payments": {"partner_name": "Example Customer Ltd", "amount": "50.00"},
    "POST /payments/{payment_id}/allocations": {
        "date": "2026-12-15",
        "allocations": [{"invoice_id": "0192f5a0-0000-7000-8000-0000000000a1", "amount": "50.00"}],
    },
    "POST /invoices/{invoice_id}/allocations": {
        "allocations": [{"invoice_id": "0192f5a0-0000-7000-8000-0000000000a2", "amount": "20.00"}],
    },
    "PATCH /company": {
        "legal_name": "Exemple SAS",
        "address_line1": "12 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "country": "FR",
        "tax_id": "FR40303265045",
        "registration_number": "303265045",
        "bank_account": "FR7630006000011234567890189",
        "payment_instructions": "Bank transfer within 30 days, quoting the invoice number.",
        "pdf_accent_color": "#1F4E79",
    },
    "PUT /bank-accounts/{journal_id}/csv-mapping": {
        "date_column": "Date",
        "amount_column": "Amount",
        "description_column": "Description",
        "reference_column": "Reference",
        "counterparty_column": "Payee",
        "date_format": "%d/%m/%Y",
        "decimal_separator": ",",
        "delimiter": ";",
    },
    "POST /bank-rules": {
        "name": "Bank fees",
        "text_contains": "FEE",
        "direction": "out",
        "amount_max": "50.00",
        "account_code": "6500",
    },
    "POST /bank-statements/{statement_id}/lines/{line_id}/reconcile": {
        "account_code": "6500",
        "description": "Monthly account fee",
    },
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/finance``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document.

    Use as ``data: Annotated[InvoiceIn, body("POST /invoices", "A consulting invoice")]``.
    """
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
