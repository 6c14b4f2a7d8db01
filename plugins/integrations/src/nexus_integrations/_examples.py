"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples."""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

EXAMPLES: dict[str, Any] = {
    "POST /connections": {
        "source": "odoo",
        "name": "Acme Odoo",
        "config": {
            "url": "https://acme.odoo.com",
            "db": "acme",
            "login": "admin@acme.example",
            "api_key": "7c1f0e0b6f3c4d2a9e5b8a1d2c3e4f5a6b7c8d9e",
        },
    },
    "POST /connections/{connection_id}/imports": {"dry_run": True},
    "POST /connections/{connection_id}/oauth/complete": {
        "code": "4/0AX4XfWh-example-authorization-code",
        "state": "k3Jd9s0Qm2w8x1Zc7VbN5tYu4Ri6Oe0PaSdFgHjKlQw",
    },
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/integrations``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
