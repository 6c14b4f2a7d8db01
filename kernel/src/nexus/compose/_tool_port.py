"""The ``tools`` port (:class:`nexus_hookspecs.Tools`): :class:`ToolCalls` for one request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import ToolAnswer, ToolSpec

from nexus.compose._tools import ConfirmationRequired, ToolCalls, ToolRefused, tool_schema
from nexus.identity import request_principal

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.connection import ASGIConnection

    from nexus.identity import Principal

__all__ = ("RequestTools", "tools_provider")


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
