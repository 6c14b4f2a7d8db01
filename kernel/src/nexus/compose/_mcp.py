"""``/mcp``: the tenant's assistant tools over the Model Context Protocol (streamable HTTP).

Built on the official ``mcp`` SDK: its low-level :class:`~mcp.server.lowlevel.Server` answers
``tools/list`` and ``tools/call`` from :class:`~nexus.compose._tools.ToolCalls`, behind the
kernel's gate (a Nexus API key or token as ``Authorization: Bearer``; 401 without one), so
each request acts as its own caller. A feature change of a tenant sends
``notifications/tools/list_changed`` to that tenant's open sessions at once. A writing tool
runs only when the call's ``_meta`` carries ``"nexus/confirmed": true`` (the host asks its
user first); without it the result is an error saying so, and nothing is written.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import mcp_types as types
import msgspec
from litestar import asgi
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from nexus.compose._tools import ConfirmationRequired, ToolCalls, ToolRefused, tool_schema
from nexus.identity import request_principal

if TYPE_CHECKING:
    from uuid import UUID

    from litestar.types import Receive, Scope, Send
    from mcp.server.connection import Connection
    from mcp.server.context import ServerRequestContext

    from nexus.identity import Principal
    from nexus.services import Kernel

__all__ = ("CONFIRMED", "McpEndpoint")

CONFIRMED = "nexus/confirmed"
"""The ``_meta`` key of a ``tools/call`` confirming a writing tool."""

_ENCODER = msgspec.json.Encoder(decimal_format="string")


class McpEndpoint:
    """The ``/mcp`` route and the session manager it runs on, started with the app."""

    def __init__(self, kernel: Kernel, tools: ToolCalls) -> None:
        self.kernel = kernel
        self.tools = tools
        self.server: Server[Any] = _Server(
            "nexus",
            version="0.1.0",
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
        )
        # The open connections of each tenant, told when its tools change.
        self._connections: dict[UUID, set[Connection]] = {}
        self._manager: StreamableHTTPSessionManager | None = None
        self._running: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self.route = asgi("/mcp", is_mount=True, copy_scope=True, opt={"nexus_access": "tenant"})(
            self._asgi
        )

    async def start(self) -> None:
        """Run the session manager until :meth:`stop`; follow the tenants' feature changes."""
        ready = asyncio.Event()
        self._manager = StreamableHTTPSessionManager(app=self.server)
        manager = self._manager

        async def run() -> None:
            async with manager.run():
                ready.set()
                await self._stop.wait()

        self._running = asyncio.get_running_loop().create_task(run())
        await ready.wait()
        self.kernel.features.toggles.observe(self._changed)

    async def stop(self) -> None:
        """Close every session and the manager."""
        if self._running is None:
            return
        self.kernel.features.toggles.unobserve(self._changed)
        self._stop.set()
        await self._running
        self._running = None

    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._manager is None:  # pragma: no cover - the app starts it first
            raise RuntimeError("the MCP session manager is not running")
        await self._manager.handle_request(scope, receive, send)  # type: ignore[arg-type]

    def _changed(self, tenant_id: UUID) -> None:
        loop = asyncio.get_running_loop()
        for connection in list(self._connections.get(tenant_id, ())):
            loop.create_task(_notify(connection))

    def _caller(self, ctx: ServerRequestContext[Any, Any]) -> Principal:
        request = ctx.request
        if request is None:  # pragma: no cover - always over HTTP here
            raise ToolRefused("no HTTP request")
        principal = request_principal(request.scope)
        connection: Connection | None = getattr(ctx.session, "_connection", None)
        if principal.tenant_id is not None and connection is not None:
            self._follow(principal.tenant_id, connection)
        return principal

    def _follow(self, tenant_id: UUID, connection: Connection) -> None:
        """Tell ``connection`` of the tenant's tool changes until it closes."""
        followed = self._connections.setdefault(tenant_id, set())
        if connection in followed:
            return
        followed.add(connection)
        connection.exit_stack.callback(followed.discard, connection)

    async def _list_tools(
        self, ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        principal = self._caller(ctx)
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=tool.name,
                    description=tool.description,
                    input_schema=tool_schema(tool),
                    annotations=types.ToolAnnotations(
                        read_only_hint=not tool.writes, destructive_hint=tool.writes
                    ),
                )
                for tool in await self.tools.available(principal)
            ]
        )

    async def _call_tool(
        self, ctx: ServerRequestContext[Any, Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        principal = self._caller(ctx)
        meta: Any = params.meta or {}
        if not isinstance(meta, dict):  # pragma: no cover - a model in other SDK versions
            meta = meta.model_dump(by_alias=True)
        confirmed = meta.get(CONFIRMED) is True
        try:
            answer = await self.tools.call(
                principal, params.name, params.arguments, confirmed=confirmed
            )
        except ConfirmationRequired as exc:
            return _error(f"{exc}; send it again with _meta {{{CONFIRMED!r}: true}}")
        except (ToolRefused, msgspec.ValidationError) as exc:
            return _error(str(exc))
        except Exception as exc:  # noqa: BLE001 - a refusal (problem) becomes the tool's error
            detail = getattr(exc, "detail", None) or type(exc).__name__
            return _error(f"the tool refused: {detail}")
        text = _ENCODER.encode(answer).decode()
        return types.CallToolResult(
            content=[types.TextContent(text=text)],
            structured_content=answer if isinstance(answer, dict) else {"result": answer},
        )


def _error(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=text)], is_error=True)


async def _notify(connection: Connection) -> None:
    await connection.send_tool_list_changed()  # never raises: a closed stream drops it


class _Server(Server[Any]):
    """The SDK's server, announcing that its tool list changes (``tools.listChanged``)."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> Any:
        return super().create_initialization_options(
            notification_options or NotificationOptions(tools_changed=True),
            experimental_capabilities,
            extensions,
        )
