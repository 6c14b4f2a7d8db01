"""Shared steps of the AI tests: configure a provider and read a chat's events."""

from __future__ import annotations

import json
from typing import Any

from ai_fakes import KEY

__all__ = ("configure", "events")


def configure(
    client: Any, tenant: Any, provider: str, base_url: str, model: str, **policy: Any
) -> None:
    """Keep the fake's key and base URL for ``provider`` and make it the tenant's policy."""
    answer = client.put(
        f"/api/v1/ai/providers/{provider}",
        json={
            "api_key": KEY,
            "base_url": base_url,
            "input_price": "2.50",
            "output_price": "10.00",
            "currency": "USD",
        },
        headers=tenant.headers,
    )
    assert answer.status_code == 200, answer.text
    assert "api_key" not in answer.json() and answer.json()["has_key"] is True
    answer = client.put(
        "/api/v1/ai/policy",
        json={
            "provider": provider,
            "models": [model],
            "default_model": model,
            "embedding_model": model,
            **policy,
        },
        headers=tenant.headers,
    )
    assert answer.status_code == 200, answer.text


def events(text: str) -> list[tuple[str, Any]]:
    """The server-sent events of a chat's body, as ``(event, data)``."""
    out: list[tuple[str, Any]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in fields:
            out.append((fields.get("event", "message"), json.loads(fields["data"])))
    return out
