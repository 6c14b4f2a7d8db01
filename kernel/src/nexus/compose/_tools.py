"""Plugins' assistant tools (``nexus_ai_tools``) run for one caller: listed and called.

A tool is offered only to a caller whose tenant has the tool's plugin enabled and who holds
its permission (the same check as the REST gate's); it runs in a transaction of the caller's
tenant (row-level security), with the :class:`~nexus_hookspecs.ServiceContext` a service
gets, its ``actor`` the caller (as for the services the tool calls); a writing tool runs
only once confirmed; every call is written to the audit log.

Records a plugin lets assistants read (:class:`~nexus_hookspecs.Resource`, 0.1.6) are
addressed ``nexus://<plugin>/<kind>/<id>`` and read under the same rules, as are its
prompt templates (:class:`~nexus_hookspecs.Prompt`): another tenant's record reads as not
found, a disabled plugin's resources and prompts are not there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id

from nexus.compose._calls import ProviderContext
from nexus.plugins import await_maybe

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Prompt, Resource, ResourceItem, Tool

    from nexus.compose._calls import ServiceCalls
    from nexus.db import PostgresDatabase
    from nexus.identity import Principal

__all__ = (
    "RESOURCE_SCHEME",
    "ConfirmationRequired",
    "ResourceMissing",
    "ToolCalls",
    "ToolRefused",
    "resource_template",
    "resource_uri",
    "struct_schema",
    "tool_schema",
)

ASSISTANT_PLUGIN = "ai"
"""The plugin whose tenant setting ``writing_tools_unconfirmed`` covers ``/mcp`` too."""

RESOURCE_SCHEME = "nexus"
"""The scheme of the URIs of plugins' records: ``nexus://<plugin>/<kind>/<id>``."""

_ENCODER = msgspec.json.Encoder(decimal_format="string")


class ToolRefused(Exception):
    """The tool is unknown, off for the tenant, or its permission is not held."""


class ResourceMissing(Exception):
    """No record at that URI for this caller (none, another tenant's, or no such kind)."""


def resource_template(resource: Resource) -> str:
    """``nexus://<plugin>/<kind>/{id}``: the URI template of ``resource``'s records."""
    plugin, kind = resource.name.split(".", 1)
    return f"{RESOURCE_SCHEME}://{plugin}/{kind}/{{id}}"


def resource_uri(resource: Resource, record_id: str) -> str:
    """The URI of one record of ``resource``."""
    return resource_template(resource).replace("{id}", record_id)


def _parse_uri(uri: str) -> tuple[str, str]:
    """``(resource name, record id)`` of ``nexus://<plugin>/<kind>/<id>``."""
    prefix = f"{RESOURCE_SCHEME}://"
    parts = uri[len(prefix) :].split("/") if uri.startswith(prefix) else []
    if len(parts) != 3 or not all(parts):  # noqa: PLR2004 - plugin, kind, id
        raise ResourceMissing(f"{uri!r} is not {prefix}<plugin>/<kind>/<id>")
    return f"{parts[0]}.{parts[1]}", parts[2]


class ConfirmationRequired(Exception):
    """A writing tool was called without the caller's confirmation."""


def tool_schema(tool: Tool) -> dict[str, Any]:
    """The JSON Schema of the tool's input, references inlined at the top level."""
    return struct_schema(tool.input)


def struct_schema(struct: type[msgspec.Struct]) -> dict[str, Any]:
    """The JSON Schema of ``struct``, its own object at the top level."""
    (schema,), components = msgspec.json.schema_components([struct])
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

    async def writes_unconfirmed(self, principal: Principal) -> bool:
        """Whether the tenant lets writing tools run unconfirmed (the AI plugin's setting).

        Only while that plugin is on for the tenant: switched off, its choice lapses.
        """
        held = await self.calls.toggles.features(_tenant(principal))
        if ASSISTANT_PLUGIN not in held.enabled:
            return False
        settings = self.calls.reader.held(held, ASSISTANT_PLUGIN)
        return getattr(settings, "writing_tools_unconfirmed", False) is True

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
                self.calls,
                tenant_id=tenant_id,
                conn=conn,
                plugin=plugin,
                features=features,
                actor=principal.actor,
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

    async def _permitted(self, principal: Principal, items: dict[str, Any]) -> dict[str, Any]:
        held = await self.calls.toggles.features(_tenant(principal))
        return {
            name: item
            for name, item in sorted(items.items())
            if name.split(".", 1)[0] in held.enabled
            and principal.may(item.permission, self.member_permissions)
        }

    async def resources(self, principal: Principal) -> list[Resource]:
        """The kinds of records ``principal`` may read now, by name."""
        return list((await self._permitted(principal, self.calls.registry.resources())).values())

    async def prompts(self, principal: Principal) -> list[Prompt]:
        """The prompt templates ``principal`` may use now, by name."""
        return list((await self._permitted(principal, self.calls.registry.prompts())).values())

    async def _as_caller(self, principal: Principal, name: str, run: Any) -> Any:
        """``await run(ctx)`` in a transaction of the caller's tenant, for plugin of ``name``."""
        tenant_id = _tenant(principal)
        plugin = name.split(".", 1)[0]
        features = await self.calls.toggles.ensure_enabled(tenant_id, plugin)
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            context = ProviderContext(
                self.calls,
                tenant_id=tenant_id,
                conn=conn,
                plugin=plugin,
                features=features,
                actor=principal.actor,
            )
            return await run(context)

    async def browse(
        self, principal: Principal, limit: int = 20
    ) -> list[tuple[Resource, ResourceItem]]:
        """Records offered to ``principal`` (each kind's ``browse``, at most ``limit``)."""
        found: list[tuple[Resource, ResourceItem]] = []
        for resource in await self.resources(principal):
            browse = resource.browse
            if browse is None:
                continue

            async def run(ctx: ProviderContext, browse: Any = browse) -> Any:
                return await browse(limit, ctx)

            found.extend(
                (resource, item) for item in await self._as_caller(principal, resource.name, run)
            )
        return found

    async def read(self, principal: Principal, uri: str) -> tuple[Resource, Any]:
        """The record at ``uri`` for ``principal``, as JSON-ready builtins.

        Raises:
            ResourceMissing: Not a record URI, no such kind for this caller (off, not
                permitted), or no such record in the caller's tenant.
        """
        name, record_id = _parse_uri(uri)
        resource = {r.name: r for r in await self.resources(principal)}.get(name)
        if resource is None:
            raise ResourceMissing(f"no resource {uri!r} for this caller")

        async def run(ctx: ProviderContext) -> Any:
            return await resource.read(record_id, ctx)

        try:
            record = await self._as_caller(principal, name, run)
        except Exception as exc:
            if getattr(exc, "status_code", None) == 404:  # noqa: PLR2004 - a plugin's not-found
                raise ResourceMissing(f"no resource {uri!r} for this caller") from None
            raise
        if record is None:
            raise ResourceMissing(f"no resource {uri!r} for this caller")
        return resource, msgspec.json.decode(_ENCODER.encode(record))

    async def prompt(self, principal: Principal, name: str, arguments: Any) -> tuple[Prompt, str]:
        """Prompt ``name`` rendered for ``principal`` with ``arguments``.

        Raises:
            ToolRefused: Unknown, off for the tenant, or not permitted.
            msgspec.ValidationError: ``arguments`` do not fit the prompt's.
        """
        prompt = {p.name: p for p in await self.prompts(principal)}.get(name)
        if prompt is None:
            raise ToolRefused(f"no prompt {name!r} for this caller")
        data = msgspec.convert(arguments or {}, prompt.arguments, strict=False)

        async def run(ctx: ProviderContext) -> Any:
            return await prompt.render(data, ctx)

        return prompt, str(await self._as_caller(principal, name, run))


def _tenant(principal: Principal) -> UUID:
    if principal.tenant_id is None:
        raise ToolRefused("tools act for a tenant; this caller has none")
    return principal.tenant_id
