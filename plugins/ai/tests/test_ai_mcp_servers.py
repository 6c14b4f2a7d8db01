"""External MCP servers: registered under the URL guard, their tools in the assistant's loop.

A real server (the ``mcp`` SDK's ``MCPServer``, ``ai_mcp_server.py``) on loopback: refused
while the operator's ``NEXUS_AI_MCP_ALLOWED_HOSTS`` does not list it, as are private and
internal addresses (422 naming them); once listed, registered with its bearer token kept
encrypted; its read-only tool runs from the chat as ``mcp.weather.forecast``, its writing
tool waits for confirmation; every call is in the server's ledger; another tenant sees
none of it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from ai_helpers import configure, events
from ai_mcp_server import TOKEN, WeatherServer
from nexus.testing import run_sync, tenant_transaction

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ai_fakes import FakeModels

_VAR = "NEXUS_AI_MCP_ALLOWED_HOSTS"


@pytest.fixture(scope="module")
def weather() -> Iterator[WeatherServer]:
    server = WeatherServer()
    yield server
    server.close()


def _add(client: Any, tenant: Any, **body: Any) -> Any:
    return client.post("/api/v1/ai/mcp-servers", json=body, headers=tenant.headers)


def _chat(client: Any, tenant: Any, **body: Any) -> list[tuple[str, Any]]:
    reply = client.post("/api/v1/ai/chat", json=body, headers=tenant.headers)
    assert reply.status_code == 200, reply.text
    return events(reply.text)


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("http://127.0.0.1:9/mcp", "127.0.0.1"),
        ("http://localhost/mcp", "localhost"),
        ("http://10.1.2.3/mcp", "10.1.2.3"),
        ("http://169.254.169.254/latest", "169.254.169.254"),
        ("http://[::1]:8080/mcp", "::1"),
    ],
)
def test_private_and_internal_addresses_are_refused(
    client: Any, tenant: Any, monkeypatch: pytest.MonkeyPatch, url: str, named: str
) -> None:
    monkeypatch.delenv(_VAR, raising=False)
    refused = _add(client, tenant, name="inside", url=url)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["errors"][0]["key"] == "url"
    assert named in problem["errors"][0]["message"]
    assert client.get("/api/v1/ai/mcp-servers", headers=tenant.headers).json() == []


def test_the_operator_allowlist_restricts_hosts_and_admits_loopback_by_name(
    client: Any, tenant: Any, weather: WeatherServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(_VAR, "*.weather.example")
    refused = _add(client, tenant, name="weather", url=weather.url)
    assert refused.status_code == 422
    assert _VAR in refused.json()["errors"][0]["message"]
    monkeypatch.setenv(_VAR, "*.weather.example,127.0.0.1")
    added = _add(client, tenant, name="weather", url=weather.url, token=TOKEN)
    assert added.status_code == 201, added.text
    assert added.json()["has_token"] is True and "token" not in added.json()
    again = _add(client, tenant, name="weather", url=weather.url)
    assert again.status_code == 409 and again.json()["field"] == "name"
    bad = _add(client, tenant, name="Weather Two", url=weather.url)
    assert bad.status_code == 422 and "name" in bad.text


def test_the_assistant_calls_a_servers_tools_confirmed_and_audited(
    client: Any,
    tenant: Any,
    other: Any,
    fakes: FakeModels,
    weather: WeatherServer,
    ai_db: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(_VAR, "127.0.0.1")
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini")
    server = _add(client, tenant, name="weather", url=weather.url, token=TOKEN).json()

    async def kept() -> Any:
        async with tenant_transaction(ai_db, tenant) as conn:
            return await conn.fetchval("select token_token from ai_mcp_server")

    assert TOKEN not in run_sync(kept())

    ask = {"role": "user", "content": f"do mcp__weather__forecast {json.dumps({'city': 'Oslo'})}"}
    ran = _chat(client, tenant, messages=[ask])
    offered = [t["function"]["name"] for t in fakes.requests[-1][1]["tools"]]
    assert {"mcp__weather__forecast", "mcp__weather__book_umbrella"} <= set(offered)
    assert "crm__contacts__search" in offered  # the plugins' tools stay
    tool = next(data for kind, data in ran if kind == "tool")
    assert tool["name"] == "mcp.weather.forecast" and tool["ok"] is True, tool
    assert "Oslo: sunny" in json.dumps(tool["result"])
    assert ran[-1][0] == "done"
    assert f"Bearer {TOKEN}" in weather.tokens

    book = {"role": "user", "content": 'do mcp__weather__book_umbrella {"city": "Bergen"}'}
    waiting = _chat(client, tenant, messages=[book])
    kind, data = waiting[-1]
    assert kind == "confirmation_required"
    assert weather.booked == []
    (call,) = data["calls"]
    confirmed = _chat(client, tenant, messages=data["messages"], confirmed=[call["id"]])
    tool = next(data for kind, data in confirmed if kind == "tool")
    assert tool["ok"] is True and weather.booked == ["Bergen"]

    calls = client.get(f"/api/v1/ai/mcp-servers/{server['id']}/calls", headers=tenant.headers)
    assert calls.status_code == 200
    assert [(c["tool"], c["arguments"], c["ok"]) for c in calls.json()] == [
        ("book_umbrella", {"city": "Bergen"}, True),
        ("forecast", {"city": "Oslo"}, True),
    ]

    assert client.get("/api/v1/ai/mcp-servers", headers=other.headers).json() == []
    theirs = client.get(f"/api/v1/ai/mcp-servers/{server['id']}/calls", headers=other.headers)
    assert theirs.status_code == 404
    gone = client.delete(f"/api/v1/ai/mcp-servers/{server['id']}", headers=other.headers)
    assert gone.status_code == 404
    removed = client.delete(f"/api/v1/ai/mcp-servers/{server['id']}", headers=tenant.headers)
    assert removed.status_code == 204


def test_a_server_no_longer_allowed_is_not_reached(
    client: Any,
    tenant: Any,
    fakes: FakeModels,
    weather: WeatherServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(_VAR, "127.0.0.1")
    configure(client, tenant, "openai", fakes.url + "/v1", "gpt-4o-mini")
    assert _add(client, tenant, name="weather", url=weather.url, token=TOKEN).status_code == 201
    monkeypatch.delenv(_VAR)
    seen = len(weather.tokens)
    ran = _chat(client, tenant, messages=[{"role": "user", "content": "hello"}])
    assert ran[-1][0] == "done"
    offered = [t["function"]["name"] for t in fakes.requests[-1][1].get("tools", [])]
    assert not any(name.startswith("mcp__") for name in offered)
    assert len(weather.tokens) == seen  # checked again before connecting: never reached
