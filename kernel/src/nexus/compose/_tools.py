"""Plugins' assistant tools (``nexus_ai_tools``) run for one caller: listed and called.

A tool is offered only to a caller whose tenant has the tool's plugin enabled and who holds
its permission (the same check as the REST gate's); it runs in a transaction of the caller's
tenant (row-level security), with the :class:`~nexus_hookspecs.ServiceContext` a service
gets; a writing tool runs only once confirmed; every call is written to the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id

from nexus.compose._calls import ProviderContext
from nexus.plugins import await_maybe

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Tool

    from nexus.compose._calls import ServiceCalls
    from nexus.db import PostgresDatabase
    from nexus.identity import Principal

__all__ = ("ConfirmationRequired", "ToolCalls", "ToolRefused", "tool_schema")

_ENCODER = msgspec.json.Encoder(decimal_format="string")


class ToolRefused(Exception):
    """The tool is unknown, off for the tenant, or its permission is not held."""


class ConfirmationRequired(Exception):
    """A writing tool was called without the caller's confirmation."""


def tool_schema(tool: Tool) -> dict[str, Any]:
    """The JSON Schema of the tool's input, references inlined at the top level."""
    (schema,), components = msgspec.json.schema_components([tool.input])
    ref = schema.get("$ref", "")
    top: dict[str, Any] = dict(components.get(ref.rsplit("/", 1)[-1], schema))
    others = {k: v for k, v in components.items() if ref != f"#/$defs/{k}"}
    if others:
        top["$defs"] = others
    return top


class ToolCalls:
    """The tools one tenant's caller may use, and their calls.

    Args:
        calls: The services runtime (registry, toggles, settings) tools share.
        database: The API role's pool (row-level security applies).
        member_permissions: Permissions every member of a tenant holds.
    """

    def __init__(
        self, calls: ServiceCalls, database: PostgresDatabase, member_permissions: frozenset[str]
    ) -> None:
        self.calls = calls
        self.database = database
        self.member_permissions = member_permissions

    async def available(self, principal: Principal) -> list[Tool]:
        """The tools ``principal`` may call now, by name."""
        tenant_id = _tenant(principal)
        held = await self.calls.toggles.features(tenant_id)
        return [
            tool
            for name, tool in sorted(self.calls.registry.tools().items())
            if name.split(".", 1)[0] in held.enabled
            and principal.may(tool.permission, self.member_permissions)
        ]

    async def call(
        self, principal: Principal, name: str, arguments: Any, *, confirmed: bool = False
    ) -> Any:
        """Run tool ``name`` as ``principal``; its answer as JSON-ready builtins.

        Raises:
            ToolRefused: Unknown, off for the tenant, or not permitted.
            ConfirmationRequired: A writing tool without ``confirmed``.
            msgspec.ValidationError: ``arguments`` do not fit the tool's input.
        """
        tenant_id = _tenant(principal)
        tool = {t.name: t for t in await self.available(principal)}.get(name)
        if tool is None:
            raise ToolRefused(f"no tool {name!r} for this caller")
        data = msgspec.convert(arguments or {}, tool.input, strict=False)
        if tool.writes and not confirmed:
            raise ConfirmationRequired(f"tool {name!r} writes: confirm the call to run it")
        plugin = name.split(".", 1)[0]
        features = await self.calls.toggles.ensure_enabled(tenant_id, plugin)
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            context = ProviderContext(
                self.calls, tenant_id=tenant_id, conn=conn, plugin=plugin, features=features
            )
            answer = await await_maybe(tool.handler(data, context))
            result = msgspec.json.decode(_ENCODER.encode(answer))
            await conn.execute(
                "insert into nexus_audit_log (tenant_id, id, actor, action, target, after) "
                "values ($1, $2, $3, 'ai.tool.called', $4, $5::jsonb)",
                tenant_id,
                new_id(),
                principal.actor,
                name,
                _ENCODER.encode({"arguments": data, "writes": tool.writes}).decode(),
            )
        return result


def _tenant(principal: Principal) -> UUID:
    if principal.tenant_id is None:
        raise ToolRefused("tools act for a tenant; this caller has none")
    return principal.tenant_id
