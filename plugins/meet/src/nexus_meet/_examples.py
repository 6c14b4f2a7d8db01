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
    "POST /meetings": {
        "title": "Weekly sales review",
        "starts_at": "2027-01-11T09:00:00Z",
        "ends_at": "2027-01-11T09:30:00Z",
        "mode": "mesh",
        "lobby": True,
        "invitees": ["ada@example.com", "kofi@example.com"],
    },
    "PATCH /meetings/{meeting_id}": {"title": "Weekly sales review (moved)"},
    "POST /meetings/{meeting_id}/join": {"display_name": "Ada Obi"},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/meet``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
