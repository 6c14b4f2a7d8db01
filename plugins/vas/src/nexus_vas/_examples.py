"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

EXAMPLES: dict[str, Any] = {
    "POST /wallet/topups": {
        "amount": "5000",
        "currency": "KES",
        "reference": "BANK-TRF-2026-12-07-001",
        "note": "Sent to Africa's Talking and Flutterwave balances",
    },
    "POST /airtime": {
        "phone_number": "+254711000111",
        "amount": "100",
        "currency": "KES",
        "price": "100",
        "idempotency_key": "till-7-sale-000123",
    },
    "POST /data": {
        "phone_number": "+254711000111",
        "quantity": 500,
        "unit": "MB",
        "validity": "Day",
        "amount": "50",
        "currency": "KES",
        "idempotency_key": "till-7-sale-000124",
    },
    "POST /bills": {
        "category": "electricity",
        "biller_name": "EKEDC PREPAID TOPUP",
        "biller_code": "BIL112",
        "item_code": "UB157",
        "customer": "0123456789",
        "amount": "2000",
        "currency": "NGN",
        "idempotency_key": "till-7-sale-000125",
    },
    "PUT /providers/{provider}": {
        "username": "sandbox",
        "api_key": "atsk_0123456789abcdef0123456789abcdef",
        "data_product": "Nexus Data",
    },
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/vas``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
