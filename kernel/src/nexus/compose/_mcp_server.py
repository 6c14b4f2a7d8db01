"""The MCP server behind ``/mcp``: the tenant's assistant tools over streamable HTTP.

Imported by :class:`nexus.compose._mcp.McpEndpoint` with the first ``/mcp`` request, never
at start-up (the SDK and its pydantic models take about 2 s and tens of megabytes).

Built on the official ``mcp`` SDK: its low-level :class:`~mcp.server.lowlevel.Server` answers
``tools/list`` and ``tools/call`` from :class:`~nexus.compose._tools.ToolCalls`, behind the
gate of :mod:`nexus.compose._mcp_auth` (a Nexus API key or token as ``Authorization:
Bearer``, or at ``/mcp/<tenant>`` an OAuth access token of the tenant's issuer; 401 without
one), so each request acts as its own caller. A feature change of a tenant sends
``notifications/tools/list_changed`` to that tenant's open sessions at once. A writing tool
runs only when the call's ``_meta`` carries ``"nexus/confirmed": true`` (the host asks its
user first) or the tenant's AI setting ``writing_tools_unconfirmed`` is on; otherwise the
result is an error saying so, and nothing is written.

Since contract 0.1.6 it serves the plugins' records too: ``resources/templates/list``
answers one ``nexus://<plugin>/<kind>/{id}`` template per kind the caller may read,
``resources/list`` the records each kind offers, ``resources/read`` one record, read as the
caller (another tenant's record is "not found", -32002); ``prompts/list`` and
``prompts/get`` the plugins' prompt templates, rendered from the caller's data. A feature
change sends ``notifications/resources/list_changed`` and ``prompts/list_changed`` too.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import mcp_types as types
import msgspec
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

from nexus.compose._mcp import CONFIRMED
from nexus.compose._tools import (
    ConfirmationRequired,
    ResourceMissing,
    ToolCalls,
    ToolRefused,
    resource_template,
    resource_uri,
    struct_schema,
    tool_schema,
)
from nexus.identity import request_principal

if TYPE_CHECKING:
    from uuid import UUID

    from litestar.types import Receive, Scope, Send
    from mcp.server.connection import Connection
    from mcp.server.context import ServerRequestContext

    from nexus.identity import Principal
    from nexus.services import Kernel

__all__ = ("McpSession",)

RESOURCE_NOT_FOUND = -32002
"""The JSON-RPC error code MCP gives a resource that is not there."""

_ENCODER = msgspec.json.Encoder(decimal_format="string")


class McpSession:
    """The SDK's server and the session manager it runs on, until :meth:`stop`."""

    def __init__(self, kernel: Kernel, tools: ToolCalls) -> None:
        self.kernel = kernel
        self.tools = tools
        self.server: Server[Any] = _Server(
            "nexus",
            version="0.1.0",
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
            on_list_resources=self._list_resources,
            on_list_resource_templates=self._list_templates,
            on_read_resource=self._read_resource,
            on_list_prompts=self._list_prompts,
            on_get_prompt=self._get_prompt,
        )
        # The open connections of each tenant, told when its tools change.
        self._connections: dict[UUID, set[Connection]] = {}
        self._manager = StreamableHTTPSessionManager(app=self.server)
        self._running: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        """Run the session manager until :meth:`stop`; follow the tenants' feature changes."""
        ready = asyncio.Event()
        manager = self._manager

        async def run() -> None:
            async with manager.run():
                ready.set()
                await self._stop.wait()

        # A task of its own, not of the request that started it: it outlives that request.
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

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one ``/mcp`` request (its caller already admitted by the gate)."""
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
        confirmed = meta.get(CONFIRMED) is True or await self.tools.writes_unconfirmed(principal)
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

    async def _list_templates(
        self, ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        principal = self._caller(ctx)
        return types.ListResourceTemplatesResult(
            resource_templates=[
                types.ResourceTemplate(
                    name=resource.name,
                    uri_template=resource_template(resource),
                    description=resource.description,
                    mime_type=resource.mime_type,
                )
                for resource in await self.tools.resources(principal)
            ]
        )

    async def _list_resources(
        self, ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        principal = self._caller(ctx)
        return types.ListResourcesResult(
            resources=[
                types.Resource(
                    name=item.title,
                    uri=resource_uri(resource, item.id),
                    description=resource.description,
                    mime_type=resource.mime_type,
                )
                for resource, item in await self.tools.browse(principal)
            ]
        )

    async def _read_resource(
        self, ctx: ServerRequestContext[Any, Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        principal = self._caller(ctx)
        uri = str(params.uri)
        try:
            resource, record = await self.tools.read(principal, uri)
        except (ResourceMissing, ToolRefused) as exc:
            raise MCPError(RESOURCE_NOT_FOUND, str(exc), {"uri": uri}) from None
        text = record if isinstance(record, str) else _ENCODER.encode(record).decode()
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, mime_type=resource.mime_type, text=text)]
        )

    async def _list_prompts(
        self, ctx: ServerRequestContext[Any, Any], params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        principal = self._caller(ctx)
        return types.ListPromptsResult(
            prompts=[
                types.Prompt(
                    name=prompt.name,
                    description=prompt.description,
                    arguments=_arguments(prompt.arguments),
                )
                for prompt in await self.tools.prompts(principal)
            ]
        )

    async def _get_prompt(
        self, ctx: ServerRequestContext[Any, Any], params: types.GetPromptRequestParams
    ) -> types.GetPromptResult:
        principal = self._caller(ctx)
        try:
            prompt, text = await self.tools.prompt(principal, params.name, params.arguments)
        except ToolRefused as exc:
            raise MCPError(INVALID_PARAMS, str(exc)) from None
        except msgspec.ValidationError as exc:
            raise MCPError(INVALID_PARAMS, f"prompt {params.name!r}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - a problem (404 …) answers as the error
            detail = getattr(exc, "detail", None) or type(exc).__name__
            raise MCPError(INVALID_PARAMS, f"prompt {params.name!r}: {detail}") from None
        return types.GetPromptResult(
            description=prompt.description,
            messages=[types.PromptMessage(role="user", content=types.TextContent(text=text))],
        )


def _arguments(struct: type[msgspec.Struct]) -> list[types.PromptArgument]:
    """A prompt's arguments: its Struct's fields (required when they have no default)."""
    properties = struct_schema(struct).get("properties", {})
    return [
        types.PromptArgument(
            name=field.encode_name,
            description=properties.get(field.encode_name, {}).get("description"),
            required=field.required,
        )
        for field in msgspec.structs.fields(struct)
    ]


def _error(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=text)], is_error=True)


async def _notify(connection: Connection) -> None:
    # None of these raises: a closed stream drops them.
    await connection.send_tool_list_changed()
    await connection.send_resource_list_changed()
    await connection.send_prompt_list_changed()


class _Server(Server[Any]):
    """The SDK's server, announcing that its tool list changes (``tools.listChanged``)."""

    def create_initialization_options(
        self,
        notification_options: NotificationOptions | None = None,
        experimental_capabilities: dict[str, dict[str, Any]] | None = None,
        extensions: dict[str, dict[str, Any]] | None = None,
    ) -> Any:
        return super().create_initialization_options(
            notification_options
            or NotificationOptions(
                tools_changed=True, resources_changed=True, prompts_changed=True
            ),
            experimental_capabilities,
            extensions,
        )
