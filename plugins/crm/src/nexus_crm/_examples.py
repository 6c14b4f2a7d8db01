"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_COMPANY = {
    "name": "Acme Trading GmbH",
    "domain": "acme.example",
    "email": "sales@acme.example",
    "phone": "+49 30 1234567",
    "country": "DE",
    "city": "Berlin",
}
_CONTACT = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.com",
    "phone": "+44 20 7946 0958",
    "job_title": "Head of Engineering",
}
_PIPELINE = {
    "name": "Partnerships",
    "stages": [
        {"name": "Lead", "probability": 10},
        {"name": "Proposal", "probability": 50},
        {"name": "Contract", "probability": 90},
    ],
}
_DEAL = {
    "title": "Website redesign",
    "amount": "12500.00",
    "currency": "EUR",
    "expected_close": "2026-12-31",
    "lines": [
        {"description": "Design", "quantity": "1", "unit_price": "7500.00"},
        {"description": "Build", "quantity": "2", "unit_price": "2500.00", "sku": "DEV-DAY"},
    ],
}
_ACTIVITY = {
    "kind": "call",
    "subject": "Discovery call",
    "note": "Ask about their current tooling.",
    "due_date": "2026-12-01",
}
# Ids in the examples below name records the reader has to create first.
_STAGE_IDS = [
    "0190c3a0-7b1e-7c3a-9d2e-3f4a5b6c7d01",
    "0190c3a0-7b1e-7c3a-9d2e-3f4a5b6c7d02",
    "0190c3a0-7b1e-7c3a-9d2e-3f4a5b6c7d03",
]

EXAMPLES: dict[str, Any] = {
    "POST /companies": _COMPANY,
    "PUT /companies/{company_id}": {**_COMPANY, "city": "Hamburg"},
    "PATCH /companies/{company_id}": {"city": "Munich"},
    "POST /contacts": _CONTACT,
    "PUT /contacts/{contact_id}": {**_CONTACT, "job_title": "CTO"},
    "PATCH /contacts/{contact_id}": {"job_title": "VP Engineering"},
    "POST /tags": {"name": "VIP", "color": "#E53935"},
    "PUT /tags/{tag_id}": {"name": "Key account", "color": "#1E88E5"},
    "PATCH /tags/{tag_id}": {"color": "#43A047"},
    "POST /pipelines": _PIPELINE,
    "PUT /pipelines/{pipeline_id}": {"name": "Partner deals"},
    "PATCH /pipelines/{pipeline_id}": {"name": "Partners"},
    "POST /pipelines/{pipeline_id}/stages": {
        "name": "Negotiation",
        "probability": 70,
        "position": 3,
    },
    "PATCH /pipelines/{pipeline_id}/stages/{stage_id}": {"probability": 60},
    "PUT /pipelines/{pipeline_id}/stages/order": {"stage_ids": list(reversed(_STAGE_IDS))},
    "POST /deals": _DEAL,
    "PUT /deals/{deal_id}": {**_DEAL, "title": "Website redesign, phase 1"},
    "PATCH /deals/{deal_id}": {"expected_close": "2027-01-31"},
    "POST /deals/{deal_id}/move": {"stage_id": _STAGE_IDS[1]},
    "POST /deals/{deal_id}/lose": {"reason": "Went with a cheaper agency"},
    "POST /activities": _ACTIVITY,
    "PUT /activities/{activity_id}": {**_ACTIVITY, "subject": "Follow-up call"},
    "PATCH /activities/{activity_id}": {"done": True},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/crm``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document.

    Use as ``data: Annotated[DealIn, body("POST /deals", "A deal with two lines")]``.
    """
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
