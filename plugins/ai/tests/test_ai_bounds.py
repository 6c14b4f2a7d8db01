"""The assistant's bounds and confirmations, the policy, keys at rest and embeddings.

Against the fake OpenAI (and Gemini and Anthropic for embeddings): a writing tool waits for
the user's confirmation and runs only once confirmed (declined otherwise); monthly token
limits answer 429 naming the limit, before a chat and between its turns; ``max_turns``
ends a loop; a model outside the policy is 422, no policy 409; provider keys are stored
encrypted; embeddings are metered.
"""

from __future__ import annotations

import json
from typing import Any

from ai_fakes import COMPLETION_TOKENS, KEY, PROMPT_TOKENS, FakeModels
from ai_helpers import configure, events
from nexus.testing import run_sync, tenant_transaction
from nexus_ai._store import KEYS

_DRAFT = {
    "partner_name": "Analytical Engines Ltd",
    "lines": [{"description": "Analytical engine", "quantity": "1", "unit_price": "100.00"}],
}


def _chat(client: Any, tenant: Any, **body: Any) -> Any:
    return client.post("/api/v1/ai/chat", json=body, headers=tenant.headers)


def _invoices(client: Any, tenant: Any) -> list[Any]:
    answer = client.get("/api/v1/finance/invoices", headers=tenant.headers)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def test_writing_tool_waits_for_confirmation(client: Any, tenant: Any, fakes: FakeModels) -> None:
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini")
    ask = {"role": "user", "content": f"do finance__invoices__draft {json.dumps(_DRAFT)}"}

    first = events(_chat(client, tenant, messages=[ask]).text)

    kind, waiting = first[-1]
    assert kind == "confirmation_required"
    (call,) = waiting["calls"]
    assert call["name"] == "finance.invoices.draft" and call["arguments"] == _DRAFT
    assert _invoices(client, tenant) == []  # nothing ran

    declined = events(_chat(client, tenant, messages=waiting["messages"]).text)
    tool = next(data for kind, data in declined if kind == "tool")
    assert tool["ok"] is False and "declined" in tool["error"]
    assert _invoices(client, tenant) == []

    confirmed = events(
        _chat(client, tenant, messages=waiting["messages"], confirmed=[call["id"]]).text
    )
    tool = next(data for kind, data in confirmed if kind == "tool")
    assert tool["ok"] is True and tool["result"]["state"] == "draft"
    assert confirmed[-1][0] == "done"
    assert len(_invoices(client, tenant)) == 1


def test_user_limit_answers_429_naming_it(client: Any, tenant: Any, fakes: FakeModels) -> None:
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini", user_tokens_per_month=10)
    hello = [{"role": "user", "content": "hello\nthere"}]  # several lines are fine
    done = events(_chat(client, tenant, messages=hello).text)[-1]
    assert done[0] == "done" and done[1]["messages"][-1]["content"] == "hello\nthere"

    refused = _chat(client, tenant, messages=hello)

    assert refused.status_code == 429
    problem = refused.json()
    assert problem["limit"] == "user_tokens_per_month"
    assert problem["used_tokens"] == PROMPT_TOKENS + COMPLETION_TOKENS
    assert "user_tokens_per_month" in problem["detail"]


def test_tenant_limit_stops_between_turns(client: Any, tenant: Any, fakes: FakeModels) -> None:
    configure(
        client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini", tenant_tokens_per_month=20
    )
    got = events(_chat(client, tenant, messages=[{"role": "user", "content": "find Ada"}]).text)

    kind, error = got[-1]
    assert kind == "error" and error["status"] == 429
    assert error["limit"] == "tenant_tokens_per_month"
    assert [k for k, _ in got].count("usage") == 1  # the second turn never ran


def test_max_turns_ends_the_loop(client: Any, tenant: Any, fakes: FakeModels) -> None:
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini", max_turns=1)
    got = events(_chat(client, tenant, messages=[{"role": "user", "content": "find Ada"}]).text)
    assert got[-1] == ("error", {"limit": "max_turns", "detail": "the turns are used up"})


def test_policy_and_keys(client: Any, tenant: Any, fakes: FakeModels, ai_db: str) -> None:
    hello = [{"role": "user", "content": "hello"}]
    assert _chat(client, tenant, messages=hello).status_code == 409  # no policy yet
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini")
    refused = _chat(client, tenant, messages=hello, model="gpt-4o")
    assert refused.status_code == 422 and "model" in refused.text

    async def stored() -> str:
        async with tenant_transaction(ai_db, tenant) as conn:
            return str(await conn.fetchval("select key_token from ai_provider"))

    token = run_sync(stored())
    assert KEY not in token and KEYS.decrypt(token) == KEY


def test_embeddings_are_metered(client: Any, tenant: Any, fakes: FakeModels) -> None:
    texts = ["Quarterly report", "Invoice reminder now"]
    for provider, suffix, model in (
        ("openai", "/v1", "text-embedding-3-small"),
        ("gemini", "", "gemini-embedding-001"),
    ):
        configure(client, tenant, provider, fakes.url + suffix, model)
        answer = client.post("/api/v1/ai/embeddings", json={"texts": texts}, headers=tenant.headers)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["vectors"]) == 2 and answer.json()["input_tokens"] == 5
    configure(client, tenant, "anthropic", fakes.url, "claude-sonnet-4-5")
    answer = client.post("/api/v1/ai/embeddings", json={"texts": texts}, headers=tenant.headers)
    assert answer.status_code == 422
    usage = client.get("/api/v1/ai/usage", headers=tenant.headers).json()
    assert usage["input_tokens"] == 10


def test_provider_refusal_is_reported(client: Any, tenant: Any, fakes: FakeModels) -> None:
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini")
    answer = client.put(
        "/api/v1/ai/providers/openai",
        json={"api_key": "sk-wrong", "base_url": fakes.url + "/v1"},
        headers=tenant.headers,
    )
    assert answer.status_code == 200, answer.text

    got = events(_chat(client, tenant, messages=[{"role": "user", "content": "hello"}]).text)
    assert got[-1][0] == "error" and got[-1][1]["status"] == 409
    assert got[-1][1]["provider_status"] == 401
    refused = client.post("/api/v1/ai/embeddings", json={"texts": ["x"]}, headers=tenant.headers)
    assert refused.status_code == 409 and refused.json()["provider_status"] == 401
    assert client.get("/api/v1/ai/usage", headers=tenant.headers).json()["users"] == []


def test_tenant_admin_lets_writing_tools_run_unconfirmed(
    client: Any, tenant: Any, fakes: FakeModels, ai_db: str
) -> None:
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini")
    ask = {"role": "user", "content": f"do finance__invoices__draft {json.dumps(_DRAFT)}"}
    member = client.post(
        "/api/v1/api-keys", json={"name": "m", "roles": ["member"]}, headers=tenant.headers
    )
    assert member.status_code == 201, member.text
    member_headers = {"Authorization": f"Bearer {member.json()['key']}"}
    allow = {"writing_tools_unconfirmed": True}

    refused = client.put("/api/v1/plugins/ai/settings", json=allow, headers=member_headers)
    assert refused.status_code == 403
    wrong = client.put(
        "/api/v1/plugins/ai/settings",
        json={"writing_tools_unconfirmed": "sometimes"},
        headers=tenant.headers,
    )
    assert wrong.status_code == 422
    assert "writing_tools_unconfirmed" in wrong.text
    assert events(_chat(client, tenant, messages=[ask]).text)[-1][0] == "confirmation_required"

    allowed = client.put("/api/v1/plugins/ai/settings", json=allow, headers=tenant.headers)
    assert allowed.status_code == 200, allowed.text
    ran = events(_chat(client, tenant, messages=[ask]).text)

    assert all(kind != "confirmation_required" for kind, _ in ran)
    tool = next(data for kind, data in ran if kind == "tool")
    assert tool["ok"] is True and tool["result"]["state"] == "draft"
    assert ran[-1][0] == "done"
    assert len(_invoices(client, tenant)) == 1

    async def audited() -> list[Any]:
        async with tenant_transaction(ai_db, tenant) as conn:
            return list(
                await conn.fetch(
                    "select action, target, after from nexus_audit_log "
                    "where action in ('plugin.settings.changed', 'ai.tool.called') order by id"
                )
            )

    rows = run_sync(audited())
    changed = [r for r in rows if r["action"] == "plugin.settings.changed"]
    assert len(changed) == 1 and '"writing_tools_unconfirmed": true' in changed[0]["after"]
    called = [r for r in rows if r["action"] == "ai.tool.called"]
    assert [r["target"] for r in called] == ["finance.invoices.draft"]
