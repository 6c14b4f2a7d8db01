"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_METHOD = "0190f5a2-7c1e-7a00-8000-0000000000d1"

EXAMPLES: dict[str, Any] = {
    "PUT /listings/{product_id}": {
        "title": "Oak desk, 140 cm",
        "description": "Solid oak, oiled. Assembled in Lagos.",
        "published": True,
    },
    "PATCH /listings/{product_id}": {"published": False},
    "POST /categories": {"name": "Office furniture", "slug": "office-furniture"},
    "PATCH /categories/{category_id}": {"name": "Office", "position": 2},
    "POST /price-lists": {"name": "Naira retail", "currency": "NGN", "is_default": True},
    "PATCH /price-lists/{price_list_id}": {"is_default": True},
    "PUT /price-lists/{price_list_id}/prices/{product_id}": {"amount": "12500"},
    "POST /shipping-methods": {
        "name": "Lagos courier",
        "currency": "NGN",
        "rate": "2500",
        "free_over": "100000",
        "countries": ["NG"],
    },
    "PATCH /shipping-methods/{shipping_method_id}": {"rate": "3000"},
    "POST /discounts": {"code": "WELCOME10", "kind": "percent", "value": "10", "max_uses": 500},
    "PATCH /discounts/{discount_id}": {"active": False},
    "POST /orders/{order_id}/payments": {"note": "Transfer seen on the GTBank statement"},
    "POST /orders/{order_id}/cancel": {"reason": "The customer asked us to"},
    "POST /orders/expire": {},
    "POST /store/{tenant}/carts": {"currency": "NGN"},
    "POST /my/cart": {},
    "PUT /store/{tenant}/carts/{token}/lines/{product_id}": {"quantity": "2"},
    "POST /store/{tenant}/carts/{token}/discount": {"code": "WELCOME10"},
    "PUT /store/{tenant}/carts/{token}/shipping": {"shipping_method_id": _METHOD},
    "POST /store/{tenant}/carts/{token}/checkout": {
        "email": "ada@example.com",
        "name": "Adaeze Okafor",
        "phone": "+2348031234567",
        "address": "12 Admiralty Way, Lekki Phase 1",
        "city": "Lagos",
        "country": "NG",
        "payment_method": "bank_transfer",
    },
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/shop``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
