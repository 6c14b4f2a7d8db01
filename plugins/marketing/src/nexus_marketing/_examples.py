"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples."""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_CONTACT = "0190f5a2-7c1e-7a00-8000-0000000000c1"

EXAMPLES: dict[str, Any] = {
    "POST /consents": {"contact_id": _CONTACT, "channel": "email", "source": "signup form"},
    "POST /lists": {"name": "Newsletter"},
    "POST /lists/{list_id}/members": {"contact_ids": [_CONTACT]},
    "POST /segments": {"name": "VIP customers", "tags_all": ["vip"]},
    "POST /campaigns": {
        "name": "Spring sale",
        "channel": "email",
        "subject": "{{ first_name }}, spring prices are here",
        "subject_b": "20 % off until Sunday",
        "text": "Hello {{ first_name }}, our spring sale starts today.",
        "html": (
            '<p>Hello {{ first_name }}, <a href="https://shop.example/spring">see the sale</a>.</p>'
        ),
        "rate_per_minute": 600,
    },
    "POST /forms": {
        "name": "Newsletter signup",
        "consent_channel": "email",
        "tags": ["newsletter"],
    },
    "POST /forms/{tenant}/{form_id}": {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "time_zone": "Europe/London",
        "consent": True,
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "spring-sale",
    },
}


def body(key: str, summary: str) -> BodyKwarg:
    """The OpenAPI body of a route, with ``EXAMPLES[key]`` as its example."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[key])],
    )
