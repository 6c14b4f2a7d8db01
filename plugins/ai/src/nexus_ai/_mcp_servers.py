"""External MCP servers a tenant registers: their tools offered to the assistant.

The official ``mcp`` SDK's client (streamable HTTP) lists a server's tools and calls them.
A server's URL is checked when it is registered and again before every connection (a
name that resolved to a public address may not stay so): it must be http(s) to public
addresses only (``nexus_hookspecs.net.check_public_url``); when the operator lists hosts
in ``NEXUS_AI_MCP_ALLOWED_HOSTS`` it must be one of them (``*.example.com`` covers the
subdomains), and a host listed there by its exact name or address may be private, even
loopback — the operator's decision, never a tenant's.

Each server's tools are offered as ``mcp.<server>.<tool>``; a tool not annotated
read-only writes, so it waits for the user's confirmation like a plugin's writing tool.
Every call made is kept in ``ai_mcp_call`` (who, which tool, the arguments, the outcome).
The SDK (about 2 s of imports with its pydantic models) loads with the first connection to
a server, not at start-up.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID

import httpx2
import msgspec
from nexus_hookspecs import ToolAnswer, ToolSpec, new_id
from nexus_hookspecs.net import RefusedURL, check_public_url

from nexus_ai._store import KEYS

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from mcp import ClientSession
    from nexus_hookspecs import Connection, Database, Tools

__all__ = (
    "ALLOWED_HOSTS",
    "ExternalTools",
    "McpServerRow",
    "load_servers",
    "refused_url",
)

ALLOWED_HOSTS = "NEXUS_AI_MCP_ALLOWED_HOSTS"
"""The operator's allowlist of external MCP servers' hosts (comma-separated)."""

_PRIVATE = "NEXUS_AI_ALLOW_PRIVATE_URLS"
_PREFIX = "mcp"
_TIMEOUT = 15.0
_ENCODER = msgspec.json.Encoder(decimal_format="string")


class McpServerRow(msgspec.Struct, kw_only=True):
    """A registered server, its bearer token decrypted (never answered to anyone)."""

    id: UUID
    name: str
    url: str
    token: str | None
    created_at: datetime


def _allowed() -> list[str]:
    return [h.strip().lower() for h in os.environ.get(ALLOWED_HOSTS, "").split(",") if h.strip()]


async def refused_url(url: str) -> str | None:
    """Why ``url`` may not be an external MCP server's, or ``None`` when it may."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return f"not a valid URL: {url[:200]}"
    allowed = _allowed()
    if host and host in allowed:
        return None  # listed by name or address: the operator allows it, private or not
    if allowed and not any(
        entry.startswith("*.") and host.endswith(entry[1:]) for entry in allowed
    ):
        return f"{host or url[:200]} is not in the operator's {ALLOWED_HOSTS}"
    try:
        await check_public_url(url, allow_variable=_PRIVATE)
    except RefusedURL as exc:
        return str(exc)
    return None


async def load_servers(conn: Connection) -> list[McpServerRow]:
    """The tenant's servers by name, tokens decrypted."""
    rows = await conn.fetch("select * from ai_mcp_server order by name")
    return [
        McpServerRow(
            id=r["id"],
            name=r["name"],
            url=r["url"],
            token=KEYS.decrypt(r["token_token"]) if r["token_token"] else None,
            created_at=r["created_at"],
        )
        for r in rows
    ]


@asynccontextmanager
async def _session(server: McpServerRow) -> AsyncIterator[ClientSession]:
    from mcp import ClientSession  # noqa: PLC0415 - the SDK loads with the first connection
    from mcp.client.streamable_http import streamable_http_client  # noqa: PLC0415

    reason = await refused_url(server.url)
    if reason is not None:
        raise RefusedURL(reason, permanent=True)
    headers = {"Authorization": f"Bearer {server.token}"} if server.token else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=_TIMEOUT, follow_redirects=False) as http,
        streamable_http_client(server.url, http_client=http) as (read, write, *_),
        ClientSession(read, write, read_timeout_seconds=_TIMEOUT) as session,
    ):
        await session.initialize()
        yield session


def _wire(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "_", name)[:40]


class _Offered(msgspec.Struct, kw_only=True):
    server: McpServerRow
    tool: str
    spec: ToolSpec


class ExternalTools:
    """The caller's tools (the ``tools`` port) and those of the tenant's MCP servers.

    Satisfies :class:`nexus_hookspecs.Tools`, so the assistant's loop uses it unchanged.
    """

    def __init__(self, tools: Tools, db: Database, actor: str) -> None:
        self._tools = tools
        self._db = db
        self._actor = actor
        self._offered: dict[str, _Offered] = {}
        self.unreachable: list[str] = []

    async def list(self) -> list[ToolSpec]:
        """The caller's tools, then each reachable server's (a server down is left out)."""
        specs = await self._tools.list()
        async with self._db.transaction() as conn:
            servers = await load_servers(conn)
        for server in servers:
            try:
                async with _session(server) as session:
                    listed = await session.list_tools()
            except Exception:  # noqa: BLE001 - one server down must not stop the chat
                self.unreachable.append(server.name)
                continue
            for tool in listed.tools:
                name = f"{_PREFIX}.{server.name}.{_wire(tool.name)}"
                hints = tool.annotations
                spec = ToolSpec(
                    name=name,
                    description=f"[{server.name}] {tool.description or tool.name}",
                    input_schema=dict(tool.input_schema),
                    writes=not (hints is not None and hints.read_only_hint is True),
                )
                self._offered[name] = _Offered(server=server, tool=tool.name, spec=spec)
                specs.append(spec)
        return specs

    async def call(self, name: str, arguments: Any, *, confirmed: bool = False) -> ToolAnswer:
        """Run ``name``: a server's tool through its session, any other through the port."""
        offered = self._offered.get(name)
        if offered is None:
            return await self._tools.call(name, arguments, confirmed=confirmed)
        if offered.spec.writes and not confirmed:
            return ToolAnswer(
                ok=False,
                error=f"tool {name!r} writes: confirm the call to run it",
                confirmation_required=True,
            )
        args = arguments if isinstance(arguments, dict) else {}
        try:
            async with _session(offered.server) as session:
                result: Any = await session.call_tool(offered.tool, args)
            text = " ".join(getattr(part, "text", "") for part in result.content or ())
            structured = getattr(result, "structured_content", None)
            answer = (
                ToolAnswer(ok=False, error=text or "the server's tool failed")
                if getattr(result, "is_error", False)
                else ToolAnswer(ok=True, result=structured if structured is not None else text)
            )
        except Exception as exc:  # noqa: BLE001 - the server's failure is the tool's error
            answer = ToolAnswer(ok=False, error=f"{offered.server.name} failed: {exc!r}"[:500])
        async with self._db.transaction() as conn:
            await conn.execute(
                "insert into ai_mcp_call (id, server_id, actor, tool, arguments, ok, error) "
                "values ($1, $2, $3, $4, $5::jsonb, $6, $7)",
                new_id(),
                offered.server.id,
                self._actor,
                offered.tool,
                json.dumps(args),
                answer.ok,
                answer.error,
            )
        return answer
