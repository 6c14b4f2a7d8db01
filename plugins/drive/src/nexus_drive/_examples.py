"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_USER = "user:0190f5a2-7c1e-7a00-8000-0000000000a1"
_OTHER = "user:0190f5a2-7c1e-7a00-8000-0000000000a2"

EXAMPLES: dict[str, Any] = {
    "POST /drives": {"name": "Sales team", "members": [{"principal": _USER, "role": "editor"}]},
    "PUT /drives/{drive_id}/members": {"principal": _OTHER, "role": "viewer"},
    "POST /folders": {"name": "Contracts 2026"},
    "PATCH /items/{item_id}": {"name": "Contracts 2026 (signed)"},
    "PUT /items/{item_id}/shares": {"principal": _USER, "role": "viewer"},
    "POST /items/{item_id}/links": {
        "access": "download",
        "expires_at": "2099-01-31T00:00:00Z",
        "password": "correct horse",
    },
    "POST /groups": {"name": "Accounting", "members": [_USER, _OTHER]},
    "PUT /groups/{group_id}": {"name": "Accounting and payroll", "members": [_USER]},
    "PUT /quotas": {"principal": _USER, "limit_bytes": 10737418240},
}


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
