"""Who a request acts for: the caller and tenant the gate admitted it with.

:class:`nexus.identity.AuthGate` writes them once (:func:`bind_caller`); everyone else
reads them through these accessors, never from the ASGI scope's state by key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from uuid import UUID

    from litestar.connection import ASGIConnection
    from litestar.types import Scope

__all__ = (
    "OPEN_ACCESS",
    "VISITOR_TENANT_PARAM",
    "Caller",
    "bind_caller",
    "bind_visitor",
    "request_actor",
    "request_caller",
    "request_tenant",
    "required_actor",
    "required_tenant",
)

OPEN_ACCESS = frozenset({"public", "visitor"})
"""The ``nexus_access`` values of routes that take no credentials (and name no permission)."""

VISITOR_TENANT_PARAM = "tenant"
"""The path parameter a visitor route names its tenant with (the tenant's slug)."""

_CALLER = "principal"
_TENANT = "tenant_id"
_ACTOR = "actor"


class Caller(Protocol):
    """What HTTP middleware needs of an authenticated caller (a ``Principal``)."""

    @property
    def subject(self) -> UUID:
        """The user id or key id."""
        ...

    @property
    def actor(self) -> str:
        """The audit name: ``user:<id>``, ``api_key:<id>``, …."""
        ...


def bind_caller(scope: Scope, *, caller: Caller, tenant_id: UUID | None) -> None:
    """Record the admitted caller and the tenant it acts in (the gate's job alone)."""
    state = scope["state"]
    state[_CALLER] = caller
    state[_TENANT] = tenant_id
    state[_ACTOR] = caller.actor


def bind_visitor(scope: Scope, *, tenant_id: UUID) -> None:
    """Record the tenant an anonymous visitor acts in (no caller, no actor)."""
    state = scope["state"]
    state[_TENANT] = tenant_id
    state[_ACTOR] = None


def _state(source: ASGIConnection[Any, Any, Any, Any] | Scope) -> dict[str, Any]:
    scope = source if isinstance(source, dict) else source.scope
    return scope.get("state") or {}


def request_tenant(source: ASGIConnection[Any, Any, Any, Any] | Scope) -> UUID | None:
    """The tenant the request acts in; ``None`` outside a tenant or before the gate.

    Example::

        tenant_id = request_tenant(request)  # or request_tenant(scope) in middleware
    """
    tenant_id: UUID | None = _state(source).get(_TENANT)
    return tenant_id


def required_tenant(source: ASGIConnection[Any, Any, Any, Any] | Scope) -> UUID:
    """The tenant of a request to a tenant route (the gate admits none without one).

    Raises:
        RuntimeError: When the route is not a tenant route.
    """
    tenant_id = request_tenant(source)
    if tenant_id is None:
        raise RuntimeError("only tenant routes have a tenant")
    return tenant_id


def request_caller(source: ASGIConnection[Any, Any, Any, Any] | Scope) -> Caller | None:
    """The authenticated caller; ``None`` on public routes."""
    caller: Caller | None = _state(source).get(_CALLER)
    return caller


def request_actor(source: ASGIConnection[Any, Any, Any, Any] | Scope) -> str | None:
    """The caller's audit name (``user:<id>`` …); ``None`` on public routes."""
    actor: str | None = _state(source).get(_ACTOR)
    return actor


def required_actor(source: ASGIConnection[Any, Any, Any, Any] | Scope) -> str:
    """The caller's audit name on an authenticated route.

    Raises:
        RuntimeError: On a public route, which has no caller.
    """
    actor = request_actor(source)
    if actor is None:
        raise RuntimeError("a public route has no caller")
    return actor
