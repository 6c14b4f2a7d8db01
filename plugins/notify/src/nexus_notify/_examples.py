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
    "POST /messages": {
        "to": {"email": "ada@example.com", "name": "Ada", "locale": "en_GB"},
        "category": "billing.invoices",
        "subject": "Your invoice",
        "text": "Invoice INV-0042 is attached.",
        "channels": ["email", "in_app"],
    },
    "POST /templates": {
        "key": "billing.invoice_sent",
        "locale": "en",
        "subject": "Invoice {{ number }}",
        "text": "Dear {{ name }}, {{ total | money(currency) }} is due on {{ due | date }}.",
    },
    "POST /templates/preview": {
        "key": "billing.invoice_sent",
        "locale": "fr_FR",
        "data": {
            "number": "INV-7",
            "name": "Ada",
            "total": "1250.5",
            "currency": "EUR",
            "due": "2026-12-31",
        },
    },
    "PUT /providers/{provider}": {
        "account_sid": "AC00000000000000000000000000000000",
        "auth_token": "0123456789abcdef0123456789abcdef",
        "from_number": "+15005550006",
    },
    "POST /webhooks": {"url": "https://hooks.example.com/nexus", "categories": ["*"]},
    "PUT /preferences/{category}": {"channels": ["email", "in_app"]},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/notify``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
