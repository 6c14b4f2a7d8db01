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
    "POST /domains": {"domain": "example.com"},
    "POST /domains/{domain_id}/check": {},
    "POST /domains/{domain_id}/mailboxes": {"local_part": "ada", "display_name": "Ada Lovelace"},
    "POST /mailboxes/{mailbox_id}/aliases": {"local_part": "hello"},
    "POST /mailboxes/{mailbox_id}/folders": {"name": "Invoices"},
    "POST /mailboxes/{mailbox_id}/drafts": {
        "to": ["grace@example.org"],
        "subject": "Quarterly figures",
        "text": "Hello Grace,\n\nthe figures are attached.\n\nAda",
    },
    "PATCH /drafts/{message_id}": {"subject": "Quarterly figures (final)"},
    "POST /drafts/{message_id}/send": {},
    "PATCH /messages/{message_id}": {"seen": True},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/mail``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
