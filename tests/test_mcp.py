"""``/mcp``: the official MCP SDK's own client over streamable HTTP, against a served app.

A tenant's API key lists only its enabled plugins' tools, searches CRM contacts, drafts a
Finance invoice only once the call is confirmed, is told at once (``tools/list_changed``)
when CRM is switched off, and sees then only what is left; no credential gets 401. Another
tenant's key never reaches the first tenant's contacts. A tenant whose AI setting
``writing_tools_unconfirmed`` is on runs writing tools without ``_meta`` confirmation.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

import httpx
import httpx2
import mcp_types as types
import nexus_ai
import nexus_crm
import nexus_finance
import nexus_inventory
import pytest
import uvicorn
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from nexus.app import create_app
from nexus.plugins import load_plugins
from nexus.settings import Settings
from nexus.testing import make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_ai, nexus_crm, nexus_finance, nexus_inventory]


@pytest.fixture(scope="module")
def database_url(nexus_postgres_server: Any) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def base_url(database_url: str) -> Iterator[str]:
    """The app served by uvicorn on a free local port (SSE streams need a real server)."""
    settings = Settings(database_url=database_url, log_level="warning")
    app = create_app(settings, registry=load_plugins(settings, plugins=PLUGINS))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _api(base_url: str, headers: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


async def _session(
    base_url: str, headers: dict[str, str], changed: asyncio.Event, body: Any
) -> Any:
    async def on_message(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            changed.set()

    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(f"{base_url}/mcp", http_client=http) as (read, write, *_),
        ClientSession(read, write, message_handler=on_message) as session,
    ):
        await session.initialize()
        return await body(session)


def _names(listed: types.ListToolsResult) -> set[str]:
    return {tool.name for tool in listed.tools}


def test_the_sdk_client_lists_calls_confirms_and_follows_toggles(base_url, database_url):
    tenant = make_tenant(database_url)
    other = make_tenant(database_url)
    with _api(base_url, tenant.headers) as api:
        contact = api.post(
            "/api/v1/crm/contacts",
            json={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
        )
        assert contact.status_code == 201, contact.text
        invoices_before = api.get("/api/v1/finance/invoices").json()
        product = api.post(
            "/api/v1/inventory/products",
            json={"name": "Oak desk", "sku": "DESK-OAK", "uom": "unit", "currency": "USD"},
        )
        assert product.status_code == 201, product.text

    async def body(session: ClientSession) -> None:
        tools = _names(await session.list_tools())
        assert {"crm.contacts.search", "crm.deals.history", "finance.invoices.draft"} <= tools
        assert "inventory.stock.on_hand" in tools

        stock = await session.call_tool("inventory.stock.on_hand", {"query": "oak"})
        assert not stock.is_error, stock.content
        [desk] = stock.structured_content["result"]
        assert (desk["name"], desk["on_hand"]) == ("Oak desk", "0")

        found = await session.call_tool("crm.contacts.search", {"query": "lovelace"})
        assert not found.is_error, found.content
        assert [hit["title"] for hit in found.structured_content["result"]] == ["Ada Lovelace"]

        draft = {
            "partner_name": "Ada Lovelace",
            "lines": [
                {"description": "Analytical engine", "quantity": "1", "unit_price": "100.00"}
            ],
        }
        refused = await session.call_tool("finance.invoices.draft", draft)
        assert refused.is_error
        assert "confirm" in refused.content[0].text
        confirmed = await session.call_tool(
            "finance.invoices.draft", draft, meta={"nexus/confirmed": True}
        )
        assert not confirmed.is_error, confirmed.content
        assert confirmed.structured_content["state"] == "draft"

        bad = await session.call_tool("crm.contacts.search", {"nope": 1})
        assert bad.is_error

        changed = asyncio.Event()
        session._message_handler = _flag(changed)  # type: ignore[attr-defined]
        switched = await asyncio.to_thread(
            lambda: httpx.put(
                f"{base_url}/api/v1/features/crm",
                json={"enabled": False},
                headers=tenant.headers,
                timeout=30,
            )
        )
        assert switched.status_code == 200, switched.text
        await asyncio.wait_for(changed.wait(), 10)
        after = _names(await session.list_tools())
        assert not any(name.startswith("crm.") for name in after)
        assert "finance.invoices.draft" in after
        gone = await session.call_tool("crm.contacts.search", {"query": "lovelace"})
        assert gone.is_error

    asyncio.run(_session(base_url, tenant.headers, asyncio.Event(), body))
    with _api(base_url, tenant.headers) as api:
        invoices_after = api.get("/api/v1/finance/invoices").json()
    assert len(invoices_after["items"]) == len(invoices_before["items"]) + 1

    async def theirs(session: ClientSession) -> None:
        found = await session.call_tool("crm.contacts.search", {"query": "lovelace"})
        assert not found.is_error, found.content
        assert found.structured_content["result"] == []  # tenant one's contact is not seen

    asyncio.run(_session(base_url, other.headers, asyncio.Event(), theirs))


def _flag(event: asyncio.Event) -> Any:
    async def on_message(message: Any) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            event.set()

    return on_message


def test_no_credentials_get_401(base_url):
    reply = httpx.post(
        f"{base_url}/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Accept": "application/json, text/event-stream"},
    )
    assert reply.status_code == 401
    assert reply.headers["content-type"].startswith("application/problem+json")


def test_resources_and_prompts_follow_the_tenant_its_toggles_and_permissions(
    base_url, database_url
):
    """Records by ``nexus://`` URI and the plugins' prompts, as the caller only."""
    tenant = make_tenant(database_url)
    other = make_tenant(database_url)
    with _api(base_url, tenant.headers) as api:
        contact = api.post(
            "/api/v1/crm/contacts",
            json={"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"},
        ).json()
        deal = api.post("/api/v1/crm/deals", json={"title": "Compiler", "amount": "900"})
        assert deal.status_code == 201, deal.text
        deal = deal.json()
        invoice = api.post(
            "/api/v1/finance/invoices",
            json={
                "kind": "invoice",
                "partner_name": "Grace Hopper",
                "date": "2026-12-07",
                "lines": [{"description": "Debugging", "quantity": "2", "unit_price": "40"}],
            },
        )
        assert invoice.status_code == 201, invoice.text
    contact_uri = f"nexus://crm/contacts/{contact['id']}"
    deal_uri = f"nexus://crm/deals/{deal['id']}"

    async def body(session: ClientSession) -> None:
        templates = await session.list_resource_templates()
        assert {t.uri_template for t in templates.resource_templates} >= {
            "nexus://crm/contacts/{id}",
            "nexus://crm/deals/{id}",
            "nexus://finance/invoices/{id}",
        }
        listed = {str(r.uri): r.name for r in (await session.list_resources()).resources}
        assert listed[contact_uri] == "Grace Hopper"
        assert listed[deal_uri] == "Compiler"

        read = await session.read_resource(contact_uri)
        [content] = read.contents
        assert content.mime_type == "application/json"
        assert '"email":"grace@example.com"' in content.text
        history = await session.read_resource(deal_uri)
        assert '"title":"Compiler"' in history.contents[0].text
        assert '"stage_history"' in history.contents[0].text
        invoice_uri = f"nexus://finance/invoices/{invoice.json()['id']}"
        assert invoice_uri in {str(r.uri) for r in (await session.list_resources()).resources}
        shown = await session.read_resource(invoice_uri)
        assert '"description":"Debugging"' in shown.contents[0].text
        explained = await session.get_prompt(
            "finance.invoices.explain", {"invoice_id": invoice.json()["id"]}
        )
        assert "Debugging: 2 x 40" in explained.messages[0].content.text

        for missing in (
            "nexus://crm/contacts/00000000-0000-0000-0000-000000000000",
            "nexus://crm/contacts/not-a-uuid",
            "nexus://crm/nothing/1",
            "https://example.com/x",
        ):
            with pytest.raises(MCPError) as refused:
                await session.read_resource(missing)
            assert refused.value.error.code == -32002

        prompts = {p.name: p for p in (await session.list_prompts()).prompts}
        assert {"crm.deals.summarize", "finance.invoices.explain"} <= set(prompts)
        [argument] = prompts["crm.deals.summarize"].arguments
        assert (argument.name, argument.required) == ("deal_id", True)
        got = await session.get_prompt("crm.deals.summarize", {"deal_id": deal["id"]})
        [message] = got.messages
        assert message.role == "user"
        assert 'the deal "Compiler"' in message.content.text
        assert "Amount: 900" in message.content.text
        with pytest.raises(MCPError):
            await session.get_prompt("crm.deals.summarize", {})
        with pytest.raises(MCPError):
            await session.get_prompt(
                "crm.deals.summarize", {"deal_id": "00000000-0000-0000-0000-000000000000"}
            )

        switched = await asyncio.to_thread(
            lambda: httpx.put(
                f"{base_url}/api/v1/features/crm",
                json={"enabled": False},
                headers=tenant.headers,
                timeout=30,
            )
        )
        assert switched.status_code == 200, switched.text
        templates = await session.list_resource_templates()
        assert not any(t.name.startswith("crm.") for t in templates.resource_templates)
        assert contact_uri not in {str(r.uri) for r in (await session.list_resources()).resources}
        with pytest.raises(MCPError):
            await session.read_resource(contact_uri)
        assert "crm.deals.summarize" not in {p.name for p in (await session.list_prompts()).prompts}

    asyncio.run(_session(base_url, tenant.headers, asyncio.Event(), body))

    async def theirs(session: ClientSession) -> None:
        assert contact_uri not in {str(r.uri) for r in (await session.list_resources()).resources}
        with pytest.raises(MCPError) as refused:
            await session.read_resource(contact_uri)  # tenant one's contact: not found
        assert refused.value.error.code == -32002
        with pytest.raises(MCPError):
            await session.get_prompt("crm.deals.summarize", {"deal_id": deal["id"]})

    asyncio.run(_session(base_url, other.headers, asyncio.Event(), theirs))


def test_the_tenant_setting_lets_writing_tools_run_unconfirmed(base_url, database_url):
    tenant = make_tenant(database_url)
    draft = {
        "partner_name": "Edsger Dijkstra",
        "lines": [{"description": "Shortest paths", "quantity": "1", "unit_price": "10"}],
    }

    def put(path: str, body: Any) -> None:
        with _api(base_url, tenant.headers) as api:
            reply = api.put(path, json=body)
        assert reply.status_code == 200, reply.text

    async def call(session: ClientSession) -> types.CallToolResult:
        return await session.call_tool("finance.invoices.draft", draft)

    def draft_unconfirmed() -> types.CallToolResult:
        return asyncio.run(_session(base_url, tenant.headers, asyncio.Event(), call))

    assert draft_unconfirmed().is_error  # the default: the host confirms with its user
    put("/api/v1/plugins/ai/settings", {"writing_tools_unconfirmed": True})
    ran = draft_unconfirmed()
    assert not ran.is_error, ran.content
    assert ran.structured_content["state"] == "draft"
    put("/api/v1/features/ai", {"enabled": False})  # the AI plugin off: its choice lapses
    assert draft_unconfirmed().is_error
    with _api(base_url, tenant.headers) as api:
        invoices = api.get("/api/v1/finance/invoices").json()["items"]
    assert len(invoices) == 1
