"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples."""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

EXAMPLES: dict[str, Any] = {
    "PUT /providers/{provider}": {
        "api_key": "sk-example-0000",
        "input_price": "2.50",
        "output_price": "10.00",
        "currency": "USD",
    },
    "PUT /prices/{provider}/{model}": {
        "input_price": "0.15",
        "output_price": "0.60",
        "currency": "USD",
    },
    "PUT /policy": {
        "provider": "openai",
        "models": ["gpt-4o-mini", "gpt-4o"],
        "default_model": "gpt-4o-mini",
        "embedding_model": "text-embedding-3-small",
        "max_tokens": 4096,
        "max_turns": 6,
        "tenant_tokens_per_month": 5000000,
        "user_tokens_per_month": 500000,
    },
    "POST /chat": {
        "messages": [{"role": "user", "content": "Which contacts do we have at Acme?"}],
    },
    "POST /embeddings": {"texts": ["Quarterly report", "Invoice reminder"]},
    # A literal public address (example.com's): registering checks it; connecting comes later.
    "POST /mcp-servers": {"url": "https://93.184.215.14/mcp"},
}


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
