"""``POST /api/v1/ai/chat`` against each provider's fake: a two-turn tool call, metered.

The model asks for ``crm.contacts.search``; the assistant runs it as the caller (so it sees
the caller's tenant's contacts only), sends the answer back, streams the model's final text,
and writes both turns' tokens and cost to the usage ledger.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from ai_fakes import COMPLETION_TOKENS, PROMPT_TOKENS, FakeModels
from ai_helpers import configure, events

PROVIDERS = {
    "openai": ("/v1", "gpt-4o-mini"),
    "anthropic": ("", "claude-sonnet-4-5"),
    "gemini": ("", "gemini-2.5-flash"),
}


def _contact(client: Any, tenant: Any, last_name: str) -> None:
    answer = client.post(
        "/api/v1/crm/contacts",
        json={"first_name": "Ada", "last_name": last_name, "email": "ada@example.com"},
        headers=tenant.headers,
    )
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_two_turn_tool_call_is_metered(
    client: Any, tenant: Any, other: Any, fakes: FakeModels, provider: str
) -> None:
    suffix, model = PROVIDERS[provider]
    configure(client, tenant, provider, fakes.url + suffix, model)
    _contact(client, tenant, "Lovelace")
    _contact(client, other, "Lovelace-Other")
    before = len(fakes.requests)

    answer = client.post(
        "/api/v1/ai/chat",
        json={"messages": [{"role": "user", "content": "find Lovelace"}]},
        headers=tenant.headers,
    )

    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/event-stream")
    got = events(answer.text)
    kinds = [kind for kind, _ in got]
    assert kinds.count("usage") == 2 and kinds[-1] == "done", kinds
    (tool,) = [data for kind, data in got if kind == "tool"]
    assert tool["name"] == "crm.contacts.search" and tool["ok"] is True
    names = {hit["title"] if "title" in hit else json.dumps(hit) for hit in tool["result"]}
    assert any("Lovelace" in name for name in names)
    assert not any("Other" in json.dumps(hit) for hit in tool["result"])  # tenant's own only
    text = "".join(data["text"] for kind, data in got if kind == "text")
    assert text.startswith("Found: ") and "Lovelace" in text
    assert len(fakes.requests) - before == 2  # two model calls: the tool call, the answer
    done = got[-1][1]["messages"]
    assert [m["role"] for m in done] == ["user", "assistant", "tool", "assistant"]

    usage = client.get("/api/v1/ai/usage", headers=tenant.headers).json()
    assert usage["input_tokens"] == 2 * PROMPT_TOKENS
    assert usage["output_tokens"] == 2 * COMPLETION_TOKENS
    (user,) = usage["users"]
    expected = Decimal("2.50") * 2 * PROMPT_TOKENS + Decimal("10.00") * 2 * COMPLETION_TOKENS
    assert Decimal(user["cost"]) == expected / 1_000_000 and user["currency"] == "USD"
    assert client.get("/api/v1/ai/usage", headers=other.headers).json()["users"] == []
