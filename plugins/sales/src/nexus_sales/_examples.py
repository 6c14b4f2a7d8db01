"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_LINES = [
    {
        "description": "Oak desk",
        "quantity": "10",
        "unit_price": "12500.00",
        "discount_percent": "0",
    },
    {"description": "Assembly service", "quantity": "1", "unit_price": "5000.00"},
]

EXAMPLES: dict[str, Any] = {
    "POST /quotations": {
        "partner_name": "Adaeze Stores Ltd",
        "currency": "NGN",
        "payment_terms": "Payment within 14 days.",
        "lines": _LINES,
    },
    "PUT /quotations/{quotation_id}": {
        "payment_terms": "Payment within 30 days.",
        "lines": _LINES,
    },
    "POST /orders": {
        "partner_name": "Adaeze Stores Ltd",
        "currency": "NGN",
        "lines": _LINES,
    },
    "POST /orders/{order_id}/deliveries": {
        "lines": [{"order_line_id": "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b", "quantity": "6"}]
    },
    "POST /orders/{order_id}/invoice": {"post": True},
    "POST /deliveries/{delivery_id}/returns": {
        "lines": [{"delivery_line_id": "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6c", "quantity": "1"}],
        "credit": True,
        "reason": "Damaged in transit",
    },
    "PUT /products/{product_id}/invoicing": {"policy": "delivery"},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/sales``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
