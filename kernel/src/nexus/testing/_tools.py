"""Assistant tools run in a plugin's tests as the kernel runs them for ``/mcp`` and the chat."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import ToolAnswer, new_id

from nexus.compose import RequestTools, ToolCalls
from nexus.identity import Principal, PrincipalKind
from nexus.services import kernel_of

if TYPE_CHECKING:
    from uuid import UUID

    from litestar.testing import TestClient
    from nexus_hookspecs import ToolSpec

    from nexus.testing._tenants import TestTenant

__all__ = ("call_tool", "list_tools")


def _port(
    client: TestClient[Any], tenant: TestTenant, role: str, user: UUID | None
) -> RequestTools:
    kernel = kernel_of(client.app)
    calls = ToolCalls(kernel.services, kernel.database, kernel.registry.permissions("member"))
    principal = Principal(
        kind=PrincipalKind.USER,
        subject=user or new_id(),
        tenant_id=tenant.id,
        roles=frozenset({role}),
    )
    return RequestTools(calls, principal)


def list_tools(
    client: TestClient[Any],
    tenant: TestTenant,
    *,
    role: str = "tenant_admin",
    user: UUID | None = None,
) -> list[ToolSpec]:
    """The tools a user of ``tenant`` with ``role`` is offered now (the ``tools`` port)."""
    port = _port(client, tenant, role, user)
    return client.blocking_portal.call(port.list)


def call_tool(
    client: TestClient[Any],
    tenant: TestTenant,
    name: str,
    arguments: Any,
    *,
    confirmed: bool = False,
    role: str = "tenant_admin",
    user: UUID | None = None,
) -> ToolAnswer:
    """Call tool ``name`` as a user of ``tenant`` with ``role``, as the ``tools`` port does.

    A refusal (unknown, not permitted, unconfirmed, arguments not fitting, the tool's own
    problem such as another tenant's record being "not found") is the answer's ``error``.
    The user is ``user`` (its id: the tool's ``ctx.actor`` is ``user:<id>``), else a new id.
    """
    port = _port(client, tenant, role, user)

    async def call() -> ToolAnswer:
        return await port.call(name, arguments, confirmed=confirmed)

    return client.blocking_portal.call(call)
