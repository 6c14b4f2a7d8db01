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
    "PUT /accounts/{provider}": {
        "keys": {"secret_key": "sk_test_4eC39HqLyjWDarjtT1zdp7dc"},
        "currencies": ["NGN", "GHS"],
        "default": True,
    },
    "POST /invoices/{invoice_id}/checkout": {
        "provider": "paystack",
        "customer": {"email": "ada@example.com", "name": "Ada Obi"},
        "return_url": "https://shop.example.com/thanks",
    },
    "POST /payments/{payment_id}/refunds": {"amount": "25.00", "reason": "damaged item"},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/payments``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
