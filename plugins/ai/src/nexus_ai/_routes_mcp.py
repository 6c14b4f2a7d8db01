"""``/mcp-servers``: external MCP servers whose tools the tenant's assistant may call."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Db, conflict, invalid, not_found, route_opt

from nexus_ai._examples import body
from nexus_ai._keys import SETTINGS
from nexus_ai._mcp_servers import refused_url
from nexus_ai._store import KEYS

__all__ = ("McpServerController", "McpServerIn", "McpServerOut")


class McpServerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A server: its URL, optional bearer token, and name (its tools' namespace).

    Without a name it gets ``server_<8 hex digits>``.
    """

    url: Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$", max_length=500)]
    name: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,30}$")] | None = None
    token: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)] | None = None


class McpServerOut(msgspec.Struct, kw_only=True):
    """A server; whether a token is kept, never the token."""

    id: UUID
    name: str
    url: str
    has_token: bool
    created_at: datetime


class McpCallOut(msgspec.Struct, kw_only=True):
    """One call the assistant made to a server's tool."""

    id: UUID
    actor: str
    tool: str
    arguments: Any
    ok: bool
    error: str | None
    created_at: datetime


def _out(row: Any) -> McpServerOut:
    return McpServerOut(
        id=row["id"],
        name=row["name"],
        url=row["url"],
        has_token=row["token_token"] is not None,
        created_at=row["created_at"],
    )


class McpServerController(Controller):
    """The tenant's external MCP servers (tenant admins)."""

    path = "/mcp-servers"
    tags = ["ai: settings"]
    opt = route_opt(permission=SETTINGS)

    @post("/")
    async def add_server(
        self, db: Db, data: Annotated[McpServerIn, body("POST /mcp-servers", "Weather")]
    ) -> McpServerOut:
        """Register a server: its URL must be public (or on the operator's allowlist).

        422 naming ``url`` when it is refused (a private or internal address, a host the
        operator does not allow); 409 when the name is taken or, with a token, when
        ``NEXUS_AI_KEYS`` is not set. Its tools are offered as ``mcp.<name>.<tool>``.
        """
        reason = await refused_url(data.url)
        if reason is not None:
            invalid("url", reason)
        token = KEYS.encrypt(data.token) if data.token else None
        server_id = new_id()
        name = data.name or f"server_{server_id.hex[-8:]}"
        try:
            async with db.transaction() as conn:
                row = await conn.fetchrow(
                    "insert into ai_mcp_server (id, name, url, token_token) "
                    "values ($1, $2, $3, $4) returning *",
                    server_id,
                    name,
                    data.url,
                    token,
                )
        except asyncpg.UniqueViolationError:
            conflict(f"a server named {name!r} exists", field="name")
        return _out(row)

    @get("/")
    async def list_servers(self, db: Db) -> list[McpServerOut]:
        """The servers, by name (never their tokens)."""
        async with db.transaction() as conn:
            rows = await conn.fetch("select * from ai_mcp_server order by name")
        return [_out(r) for r in rows]

    @get("/{server_id:uuid}")
    async def show_server(self, db: Db, server_id: FromPath[UUID]) -> McpServerOut:
        """One server (never its token)."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from ai_mcp_server where id = $1", server_id)
        if row is None:
            not_found()
        return _out(row)

    @delete("/{server_id:uuid}")
    async def remove_server(self, db: Db, server_id: FromPath[UUID]) -> None:
        """Forget a server (and the record of its calls)."""
        async with db.transaction() as conn:
            gone = await conn.fetchval(
                "delete from ai_mcp_server where id = $1 returning id", server_id
            )
        if gone is None:
            not_found()

    @get("/{server_id:uuid}/calls")
    async def server_calls(self, db: Db, server_id: FromPath[UUID]) -> list[McpCallOut]:
        """The calls the assistant made to the server's tools, newest first (the last 200)."""
        async with db.transaction() as conn:
            if await conn.fetchval("select id from ai_mcp_server where id = $1", server_id) is None:
                not_found()
            rows = await conn.fetch(
                "select id, actor, tool, arguments, ok, error, created_at from ai_mcp_call "
                "where server_id = $1 order by created_at desc, id desc limit 200",
                server_id,
            )
        return [
            McpCallOut(
                id=r["id"],
                actor=r["actor"],
                tool=r["tool"],
                arguments=msgspec.json.decode(r["arguments"]),
                ok=r["ok"],
                error=r["error"],
                created_at=r["created_at"],
            )
            for r in rows
        ]
