"""``/mcp``: the route, mounted at start-up; the MCP SDK loads with its first request.

The server itself is :class:`nexus.compose._mcp_server.McpSession` (the tenant's assistant
tools, resources and prompts over streamable HTTP), behind the gate of
:mod:`nexus.compose._mcp_auth` (a Nexus API key or token as ``Authorization: Bearer``, or at
``/mcp/<tenant>`` an OAuth access token of the tenant's issuer; 401 without one). Importing the
SDK costs a worker about 2 s and tens of megabytes, so a worker no assistant talks to never
pays it (bench/README.md, ``startup``); the first ``/mcp`` request starts the session manager.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from litestar import asgi

from nexus.compose._mcp_auth import McpGate, metadata_routes

if TYPE_CHECKING:
    from litestar.types import Receive, Scope, Send

    from nexus.compose._mcp_server import McpSession
    from nexus.compose._tools import ToolCalls
    from nexus.services import Kernel

__all__ = ("CONFIRMED", "McpEndpoint")

CONFIRMED = "nexus/confirmed"
"""The ``_meta`` key of a ``tools/call`` confirming a writing tool."""


class McpEndpoint:
    """The ``/mcp`` route; the session manager behind it runs from its first request."""

    def __init__(self, kernel: Kernel, tools: ToolCalls) -> None:
        self.kernel = kernel
        self.tools = tools
        self._session: McpSession | None = None
        self._opening = asyncio.Lock()
        self._gate = McpGate(kernel)
        # The kernel's gate lets it through: McpGate admits (API keys, tokens, OAuth).
        self.route = asgi("/mcp", is_mount=True, copy_scope=True, opt={"nexus_access": "public"})(
            self._asgi
        )
        self.routes = [self.route, *metadata_routes]

    @property
    def started(self) -> bool:
        """Whether a request has started the MCP server (and loaded the SDK)."""
        return self._session is not None

    async def stop(self) -> None:
        """Close every session and the manager, if a request started them."""
        session, self._session = self._session, None
        if session is not None:
            await session.stop()

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not await self._gate.admit(scope, receive, send):
            return
        session = self._session or await self._open()
        await session.handle(scope, receive, send)

    async def _open(self) -> McpSession:
        # One session manager per app, however many first requests arrive together.
        async with self._opening:
            if self._session is None:
                from nexus.compose._mcp_server import McpSession  # noqa: PLC0415 - the SDK, lazily

                session = McpSession(self.kernel, self.tools)
                await session.start()
                self._session = session
            return self._session
