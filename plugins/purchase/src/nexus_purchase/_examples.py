"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_LINE = "0193a5b0-0000-7000-8000-000000000001"

EXAMPLES: dict[str, Any] = {
    "POST /vendors": {"name": "Lagos Timber Ltd", "email": "sales@lagostimber.example"},
    "POST /vendors/{vendor_id}/products": {
        "product_id": "0193a5b0-0000-7000-8000-0000000000b1",
        "price": "8000",
        "currency": "NGN",
        "lead_time_days": 7,
        "preferred": True,
    },
    "PATCH /vendor-products/{item_id}": {"price": "7900"},
    "POST /orders": {
        "vendor_name": "Lagos Timber Ltd",
        "currency": "NGN",
        "lines": [{"description": "Delivery and handling", "quantity": "1", "unit_price": "5000"}],
    },
    "POST /orders/{order_id}/receipts": {"lines": [{"order_line_id": _LINE, "quantity": "60"}]},
    "POST /orders/{order_id}/bills": {
        "vendor_reference": "LT-2026-118",
        "date": "2026-12-06",
        "lines": [{"order_line_id": _LINE, "quantity": "100", "unit_price": "8000"}],
    },
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/purchase``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
