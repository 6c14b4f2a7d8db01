"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_AGENT = "0190f5a2-7c1e-7a00-8000-0000000000a1"

EXAMPLES: dict[str, Any] = {
    "POST /tickets": {
        "subject": "Invoice INV-2026-0042 shows the wrong VAT",
        "body": "Our March invoice charges 20 % VAT; we are VAT-exempt. Can you reissue it?",
        "priority": "high",
        "requester_email": "ada@example.com",
        "requester_name": "Ada Lovelace",
        "tags": ["billing"],
    },
    "PATCH /tickets/{ticket_id}": {"priority": "urgent", "tags": ["billing", "vat"]},
    "POST /tickets/{ticket_id}/assign": {"assignee": _AGENT},
    "POST /tickets/{ticket_id}/replies": {
        "body": "Thanks Ada, we are reissuing the invoice without VAT today.",
        "status": "pending",
    },
    "POST /tickets/{ticket_id}/notes": {"body": "Checked the exemption certificate: valid."},
    "POST /tickets/{ticket_id}/solve": {},
    "POST /tickets/{ticket_id}/merge": {"into": "0190f5a2-7c1e-7a00-8000-0000000000b1"},
    "POST /teams": {"name": "Billing", "assignment": "round_robin", "members": [_AGENT]},
    "PATCH /teams/{team_id}": {"assignment": "load"},
    "POST /queues": {"name": "Billing questions"},
    "POST /calendars": {
        "name": "London office",
        "time_zone": "Europe/London",
        "weekdays": [0, 1, 2, 3, 4],
        "opens": "09:00:00",
        "closes": "17:30:00",
        "country": "GB",
        "closed_days": ["2026-12-24"],
    },
    "POST /sla-policies": {
        "name": "High, gold customers",
        "priority": "high",
        "tier": "gold",
        "first_response_minutes": 60,
        "resolution_minutes": 480,
    },
    "POST /canned-responses": {
        "title": "Invoice reissued",
        "body": "Hello {{requester_name}}, ticket #{{ticket_number}}: we reissued the invoice.",
    },
    "POST /kb/categories": {"name": "Billing"},
    "POST /kb/articles": {
        "title": "How to get a VAT-exempt invoice",
        "body": "Send us your exemption certificate; we reissue invoices without VAT.",
        "status": "published",
    },
    "PATCH /kb/articles/{article_id}": {"status": "draft"},
    "POST /sla/check": {},
    "POST /public/{tenant}/tickets": {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "subject": "Cannot sign in",
        "body": "The sign-in page says my password is wrong since this morning.",
    },
    "POST /public/{tenant}/csat/{token}": {"rating": 5, "comment": "Quick and friendly."},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/support``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
