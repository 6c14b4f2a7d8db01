"""Prices per model: the operator's defaults, the tenant's overrides, the metered cost.

A chat is priced by the tenant's price of its model, else the operator's default
(``NEXUS_AI_PRICES``), else the provider's prices; each usage row keeps its cost and
currency, and the usage report sums them per currency.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ai_fakes import COMPLETION_TOKENS, PROMPT_TOKENS
from ai_helpers import configure, events

if TYPE_CHECKING:
    import pytest
    from ai_fakes import FakeModels

_MODEL = "gpt-4o-mini"


def _cost(input_price: str, output_price: str) -> Decimal:
    return (
        Decimal(input_price) * PROMPT_TOKENS + Decimal(output_price) * COMPLETION_TOKENS
    ) / 1_000_000


def _usage_event(client: Any, tenant: Any) -> dict[str, Any]:
    reply = client.post(
        "/api/v1/ai/chat",
        json={"messages": [{"role": "user", "content": "hello"}]},
        headers=tenant.headers,
    )
    assert reply.status_code == 200, reply.text
    return next(data for kind, data in events(reply.text) if kind == "usage")


def test_model_prices_price_each_call_and_the_report_sums_them(
    client: Any, tenant: Any, fakes: FakeModels, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(client, tenant, "openai", fakes.url + "/v1", _MODEL)  # provider: 2.50 / 10.00
    provider_priced = _usage_event(client, tenant)
    assert Decimal(provider_priced["cost"]) == _cost("2.50", "10.00")

    monkeypatch.setenv(
        "NEXUS_AI_PRICES", json.dumps({f"openai/{_MODEL}": {"input": "0.15", "output": "0.60"}})
    )
    operator_priced = _usage_event(client, tenant)
    assert Decimal(operator_priced["cost"]) == _cost("0.15", "0.60")
    assert operator_priced["currency"] == "USD"

    path = f"/api/v1/ai/prices/openai/{_MODEL}"
    negative = client.put(
        path, json={"input_price": "-1", "output_price": "1"}, headers=tenant.headers
    )
    assert negative.status_code == 422 and "input_price" in negative.text
    own = client.put(
        path,
        json={"input_price": "1.00", "output_price": "4.00", "currency": "EUR"},
        headers=tenant.headers,
    )
    assert own.status_code == 200, own.text
    listed = client.get("/api/v1/ai/prices", headers=tenant.headers).json()
    assert [(p["model"], p["source"], p["currency"]) for p in listed] == [(_MODEL, "tenant", "EUR")]
    tenant_priced = _usage_event(client, tenant)
    assert Decimal(tenant_priced["cost"]) == _cost("1.00", "4.00")
    assert tenant_priced["currency"] == "EUR"

    report = client.get("/api/v1/ai/usage", headers=tenant.headers).json()
    costs = {c["currency"]: Decimal(c["cost"]) for c in report["costs"]}
    kept = Decimal("0.000001")  # the ledger keeps six places per call
    assert costs == {
        "USD": _cost("2.50", "10.00").quantize(kept) + _cost("0.15", "0.60").quantize(kept),
        "EUR": _cost("1.00", "4.00").quantize(kept),
    }
    assert report["input_tokens"] == 3 * PROMPT_TOKENS

    assert client.delete(path, headers=tenant.headers).status_code == 204
    assert client.delete(path, headers=tenant.headers).status_code == 404
    listed = client.get("/api/v1/ai/prices", headers=tenant.headers).json()
    assert [(p["model"], p["source"]) for p in listed] == [(_MODEL, "operator")]


def test_another_tenants_prices_are_its_own(
    client: Any, tenant: Any, other: Any, fakes: FakeModels
) -> None:
    path = "/api/v1/ai/prices/anthropic/claude-x"
    body = {"input_price": "3", "output_price": "15"}
    assert client.put(path, json=body, headers=tenant.headers).status_code == 200
    assert client.get("/api/v1/ai/prices", headers=other.headers).json() == []
    assert client.delete(path, headers=other.headers).status_code == 404
    assert len(client.get("/api/v1/ai/prices", headers=tenant.headers).json()) == 1
