"""Small value types passed to hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import msgspec

__all__ = (
    "EventHandler",
    "Prompt",
    "PurgeReport",
    "Resource",
    "ResourceItem",
    "Service",
    "ServiceHandler",
    "TenantRef",
    "Tool",
)


class TenantRef(msgspec.Struct, frozen=True, kw_only=True):
    """The tenant a lifecycle or provisioning hook acts on.

    Attributes:
        id: The tenant id (the ``tenant_id`` of its rows).
        slug: The tenant's unique, URL-safe name.
    """

    id: UUID
    slug: str


class PurgeReport(msgspec.Struct, frozen=True, kw_only=True):
    """What purging a plugin's data for one tenant deletes (or would delete, on a dry run).

    Attributes:
        rows: Rows per table.
        files: Number of stored files.
    """

    rows: dict[str, int] = msgspec.field(default_factory=dict)
    files: int = 0


EventHandler = Callable[[Any], Awaitable[None]] | Callable[[Any, Any], Awaitable[None]]
"""An event consumer: called with one CloudEvent (and, if it takes a second parameter, an
:class:`~nexus_hookspecs.EventContext`), awaited; raising means "retry later"."""


ServiceHandler = Callable[[Any, Any], Awaitable[Any]]
"""A service's implementation: ``async def handler(data, ctx)``, called with the request
Struct and a :class:`~nexus_hookspecs.ServiceContext`; it returns the response (a Struct, a
list of Structs, or ``None``) and raises the HTTP kit's problems to refuse."""


class Service(msgspec.Struct, frozen=True, kw_only=True):
    """An operation a plugin offers other plugins, called by name inside their transaction.

    Register it from :func:`~nexus_hookspecs.specs.nexus_services`; callers reach it with
    :meth:`Services.call <nexus_hookspecs.Services.call>`. It is catalogued (``nexus
    services catalog``, ``docs/plugins/services.md``) with its request and response schemas.

    Attributes:
        name: ``<plugin>.<verb>`` (``inventory.deliver``, ``finance.documents.draft``): the
            first part is the providing plugin's name; lower case letters, digits and ``_``
            in dot-separated parts.
        handler: ``async def handler(data: <request>, ctx: ServiceContext) -> <response>``.
        request: The msgspec Struct callers' data is converted to, strictly.
        response: What the handler answers: a Struct, ``list[<Struct>]``, or ``None``.
        description: What it does and its side effects, in a sentence or two.

    Example::

        class Reserve(msgspec.Struct, kw_only=True):
            origin: str
            quantity: int

        class Reserved(msgspec.Struct, kw_only=True):
            reserved: int

        async def reserve(data: Reserve, ctx: ServiceContext) -> Reserved:
            await ctx.conn.execute("insert into stock_hold (origin, qty) values ($1, $2)",
                                   data.origin, data.quantity)
            return Reserved(reserved=data.quantity)

        Service(
            name="stock.reserve",
            handler=reserve,
            request=Reserve,
            response=Reserved,
            description="Holds stock for an origin; publishes nothing.",
        )
    """

    name: str
    handler: ServiceHandler
    request: type[msgspec.Struct]
    response: Any
    description: str


class Tool(msgspec.Struct, frozen=True, kw_only=True):
    """An operation a plugin offers the tenant's assistants (0.1.5): the AI chat and MCP.

    Register it from :func:`~nexus_hookspecs.specs.nexus_ai_tools`. The kernel lists a tool
    only to a caller whose tenant has the plugin enabled and who holds ``permission``; it
    runs the handler as that caller, in a transaction of the caller's tenant (row-level
    security applies), with the same :class:`~nexus_hookspecs.ServiceContext` a service
    gets. Its input schema is the JSON Schema of ``input``.

    Attributes:
        name: ``<plugin>.<verb>`` (``crm.contacts.search``), like a service's name.
        description: What it does, for the model choosing it, in a sentence or two.
        input: The msgspec Struct the model's arguments are converted to, strictly.
        permission: The permission the caller needs (declared in the manifest).
        handler: ``async def handler(data: <input>, ctx: ServiceContext) -> <answer>``;
            the answer is anything msgspec encodes to JSON.
        writes: Whether it changes data: such a tool runs only once the caller confirmed
            the call (unless the tenant allows writing tools without confirmation).

    Example::

        class SearchMembers(msgspec.Struct, kw_only=True):
            query: str

        async def search_members(data: SearchMembers, ctx: ServiceContext) -> list[dict]:
            rows = await ctx.conn.fetch(
                "select id, name from loyalty_member where name ilike $1", f"%{data.query}%"
            )
            return [dict(row) for row in rows]

        Tool(
            name="loyalty.members.search",
            description="Finds loyalty members by name.",
            input=SearchMembers,
            permission="loyalty.members:read",
            handler=search_members,
        )
    """

    name: str
    description: str
    input: type[msgspec.Struct]
    permission: str
    handler: ServiceHandler
    writes: bool = False


class ResourceItem(msgspec.Struct, frozen=True, kw_only=True):
    """One readable record a :class:`Resource`'s ``browse`` answers (0.1.6).

    Attributes:
        id: The record's id, the last segment of its URI.
        title: A human name for it (a contact's name, an invoice's number).
    """

    id: str
    title: str


class Resource(msgspec.Struct, frozen=True, kw_only=True):
    """A kind of record a plugin lets the tenant's assistants read by URI (0.1.6).

    Register it from :func:`~nexus_hookspecs.specs.nexus_ai_tools`, beside the plugin's
    tools. Its records are ``nexus://<plugin>/<kind>/<id>`` (``name`` ``crm.contacts`` gives
    ``nexus://crm/contacts/{id}``, the URI template MCP clients see). The kernel offers it
    only to a caller whose tenant has the plugin enabled and who holds ``permission``, and
    runs ``read`` (and ``browse``) as that caller in a transaction of the caller's tenant, so
    row-level security hides other tenants' records: they read as not found.

    Attributes:
        name: ``<plugin>.<kind>`` in lower-case dotted parts (``crm.contacts``).
        description: What a record of this kind holds, for the model.
        permission: The permission the caller needs (declared in the manifest).
        read: ``async def read(id: str, ctx: ServiceContext) -> <record> | None``; the
            record as anything msgspec encodes to JSON, ``None`` when there is none.
        browse: ``async def browse(limit: int, ctx: ServiceContext) ->
            list[ResourceItem]``: the most useful records to offer (``resources/list``),
            at most ``limit``; ``None`` lists none (the template still reads any id).
        mime_type: The type of what ``read`` answers; JSON unless the plugin says so.
    """

    name: str
    description: str
    permission: str
    read: Callable[[str, Any], Awaitable[Any]]
    browse: Callable[[int, Any], Awaitable[list[ResourceItem]]] | None = None
    mime_type: str = "application/json"


class Prompt(msgspec.Struct, frozen=True, kw_only=True):
    """A prompt template a plugin offers the tenant's assistants and MCP clients (0.1.6).

    Register it from :func:`~nexus_hookspecs.specs.nexus_ai_tools`. Its arguments are the
    fields of ``arguments`` (a msgspec Struct; fields without a default are required, and
    MCP passes every value as a string, converted leniently); ``render`` builds the user
    message from the tenant's data, as the caller, in a transaction of the caller's tenant,
    only while the plugin is enabled and the caller holds ``permission``.

    Attributes:
        name: ``<plugin>.<verb>`` (``crm.deals.summarize``).
        description: What the prompt asks the model to do.
        arguments: The msgspec Struct its arguments are converted to.
        permission: The permission the caller needs (declared in the manifest).
        render: ``async def render(data: <arguments>, ctx: ServiceContext) -> str``: the
            text of the user message; a problem (404 …) when a record it names is missing.
    """

    name: str
    description: str
    arguments: type[msgspec.Struct]
    permission: str
    render: Callable[[Any, Any], Awaitable[str]]


class ToolSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A tool as the :class:`~nexus_hookspecs.Tools` port lists it (0.1.5).

    Attributes:
        name: ``<plugin>.<verb>``.
        description: What it does, for the model.
        input_schema: The JSON Schema of its input (references inlined at the top).
        writes: Whether it runs only once the caller confirmed the call.
    """

    name: str
    description: str
    input_schema: dict[str, Any]
    writes: bool = False


class ToolAnswer(msgspec.Struct, frozen=True, kw_only=True):
    """What a call through the :class:`~nexus_hookspecs.Tools` port came to (0.1.5).

    Attributes:
        ok: Whether the tool ran; ``result`` is then its answer as JSON builtins.
        result: The answer (``None`` when not ``ok``).
        error: Why it did not run: unknown or refused tool, arguments not fitting, the
            tool's own problem.
        confirmation_required: A writing tool called without ``confirmed=True``: nothing
            ran; ask the user, then call again confirmed.
    """

    ok: bool
    result: Any = None
    error: str | None = None
    confirmation_required: bool = False
