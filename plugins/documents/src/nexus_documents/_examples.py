"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_ADA = "0190f5a2-7c1e-7a00-8000-0000000000a1"
_GRACE = "0190f5a2-7c1e-7a00-8000-0000000000a2"

EXAMPLES: dict[str, Any] = {
    "POST /types": {
        "name": "Non-disclosure agreement",
        "fields": [
            {"name": "counterparty", "kind": "text", "required": True},
            {"name": "signed_on", "kind": "date", "required": True},
            {"name": "scope", "kind": "choice", "choices": ["mutual", "one-way"]},
            {"name": "penalty", "kind": "money"},
            {"name": "term_years", "kind": "number"},
            {"name": "auto_renews", "kind": "bool"},
        ],
        "retention": {"period": 5, "unit": "years", "after": "signed_on"},
    },
    "PATCH /types/{type_id}": {"retention": {"period": 7, "unit": "years", "after": "created"}},
    "PUT /types/{type_id}/workflow": {
        "steps": [
            {"name": "Legal review", "approvers": [_ADA], "rule": "any"},
            {"name": "Directors", "approvers": [_ADA, _GRACE], "rule": "all"},
        ]
    },
    "POST /roles": {"name": "Directors", "members": [_ADA, _GRACE]},
    "PATCH /roles/{role_id}": {"members": [_GRACE]},
    "POST /documents": {
        "type": "contract",
        "title": "Office lease, 12 Harbour Street",
        "metadata": {
            "counterparty": "Harbour Estates Ltd",
            "starts_on": "2026-01-01",
            "ends_on": "2030-12-31",
            "value": {"amount": "48000.00", "currency": "EUR"},
        },
        "tags": ["lease", "office"],
        "links": [{"record_type": "crm.deal", "record_id": "0190f5a2-7c1e-7a00-8000-0000000000d1"}],
    },
    "PATCH /documents/{document_id}": {
        "title": "Office lease, 12 Harbour Street (signed)",
        "metadata": {"ends_on": "2031-12-31"},
        "tags": ["lease", "office", "signed"],
    },
    "POST /documents/{document_id}/links": {
        "record_type": "hr.employee",
        "record_id": "0190f5a2-7c1e-7a00-8000-0000000000e1",
    },
    "PUT /documents/{document_id}/hold": {
        "legal_hold": True,
        "reason": "Dispute with the landlord, case 2026-117",
    },
    "POST /approvals/{approval_id}/decisions": {
        "decision": "approve",
        "comment": "Terms match the offer.",
    },
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/documents``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
