"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples."""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_USER = "user:0190f5a2-7c1e-7a00-8000-0000000000a1"

EXAMPLES: dict[str, Any] = {
    "POST /channels": {"name": "sales", "kind": "public", "members": [_USER]},
    "POST /channels/direct": {"members": [_USER]},
    "POST /channels/{channel_id}/messages": {"body": f"Deal closed, thanks @{_USER}!"},
    "PUT /channels/{channel_id}/read": {"message_id": "0190f5a2-7c1e-7a00-8000-0000000000b1"},
    "POST /channels/{channel_id}/webhooks": {"name": "deploy-bot"},
    "POST /channels/{channel_id}/outgoing-webhooks": {"url": "https://bots.example.com/chat"},
    "POST /public/{tenant}/hooks/{hook_id}": {"body": "Deployed v1.4.2 to production."},
    "PATCH /messages/{message_id}": {"body": "Deal closed: thanks, everyone!"},
}


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
