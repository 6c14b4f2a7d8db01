"""The ``tools`` port (:class:`nexus_hookspecs.Tools`): :class:`ToolCalls` for one request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import ToolAnswer, ToolSpec

from nexus.compose._tools import ConfirmationRequired, ToolCalls, ToolRefused, tool_schema
from nexus.identity import AuthError, request_principal

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar.connection import ASGIConnection

    from nexus.identity import Authenticator, Principal

__all__ = ("RequestTools", "tools_for_actor", "tools_provider")


class RequestTools:
    """The tools of one caller (the request's principal), listed and called."""

    def __init__(self, calls: ToolCalls, principal: Principal) -> None:
        self._calls = calls
        self._principal = principal

    async def list(self) -> list[ToolSpec]:
        """The tools the caller may call now."""
        return [
            ToolSpec(
                name=tool.name,
                description=tool.description,
                input_schema=tool_schema(tool),
                writes=tool.writes,
            )
            for tool in await self._calls.available(self._principal)
        ]

    async def call(self, name: str, arguments: Any, *, confirmed: bool = False) -> ToolAnswer:
        """Run ``name`` as the caller; a refusal is an answer, not an exception."""
        try:
            result = await self._calls.call(self._principal, name, arguments, confirmed=confirmed)
        except ConfirmationRequired as exc:
            return ToolAnswer(ok=False, error=str(exc), confirmation_required=True)
        except (ToolRefused, msgspec.ValidationError) as exc:
            return ToolAnswer(ok=False, error=str(exc))
        except Exception as exc:  # noqa: BLE001 - a problem (404, 409 …) is the tool's error
            detail = getattr(exc, "detail", None) or type(exc).__name__
            return ToolAnswer(ok=False, error=f"the tool refused: {detail}")
        return ToolAnswer(ok=True, result=result)


def tools_provider(calls: ToolCalls) -> Callable[[ASGIConnection[Any, Any, Any, Any]], Any]:
    """The ``tools`` dependency: :class:`RequestTools` for the request's principal."""

    def provide_tools(request: ASGIConnection[Any, Any, Any, Any]) -> RequestTools:
        return RequestTools(calls, request_principal(request.scope))

    return provide_tools


def tools_for_actor(
    calls: ToolCalls, auth: Authenticator
) -> Callable[[UUID, str], Awaitable[RequestTools]]:
    """An event handler's ``tools_for``: the tools of ``user:<id>`` as that user stands now.

    The user's roles and grants are read fresh (a disabled user, a suspended tenant are
    refused), so a handler acting for the author of an event gets no more than the author
    would in a request.
    """

    async def tools_for(tenant_id: UUID, actor: str) -> RequestTools:
        kind, _, subject = actor.partition(":")
        try:
            user_id = UUID(subject) if kind == "user" else None
        except ValueError:
            user_id = None
        if user_id is None:
            raise LookupError(f"{actor!r} is not a user")
        try:
            principal = await auth.user_principal(tenant_id, user_id)
        except AuthError as exc:
            raise LookupError(f"{actor!r} may not act: {exc.detail or exc.slug}") from exc
        return RequestTools(calls, principal)

    return tools_for
