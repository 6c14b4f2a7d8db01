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
    "POST /products": {
        "name": "Oak desk",
        "uom": "unit",
        "cost_price": "120.00",
        "sale_price": "249.00",
        "currency": "USD",
    },
    "PATCH /products/{product_id}": {"sale_price": "259.00"},
    "POST /warehouses": {"name": "Overflow store"},
    "PATCH /warehouses/{warehouse_id}": {"name": "Overflow store (north)"},
    "POST /locations": {"name": "Shelf A"},
    "PATCH /locations/{location_id}": {"name": "Shelf B"},
    "POST /moves": {
        "kind": "receipt",
        "sku": "EX-CHAIR",
        "product_name": "Example chair",
        "quantity": "10",
        "unit_cost": "35.00",
        "reference": "PO-1001",
        "validate": True,
    },
    "POST /moves/{move_id}/return": {"quantity": "1", "reference": "RMA-1001"},
    "POST /products/{product_id}/reservations": {
        "quantity": "2",
        "reference": "SO-1001",
    },
    "POST /products/{product_id}/reorder-rules": {"minimum": "5", "maximum": "20"},
    "PATCH /reorder-rules/{rule_id}": {"minimum": "4"},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/inventory``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document.

    Use as ``data: Annotated[ProductCreate, body("POST /products", "A desk")]``.
    """
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
