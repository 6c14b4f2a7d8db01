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
    "POST /partners": {"name": "Example Supplier GmbH", "kind": "supplier"},
    "PATCH /partners/{partner_id}": {"email": "billing@example.com"},
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
    "POST /entries/{entry_id}/reverse": {"date": "2026-12-31"},
    "POST /payments": {"partner_name": "Example Customer Ltd", "amount": "50.00"},
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
