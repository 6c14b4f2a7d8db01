"""Every failing field of a refused request body, not only the first one msgspec met."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from litestar.exceptions import HTTPException
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState

from nexus.http._body import body_errors, decode_json_body

if TYPE_CHECKING:
    from litestar import Request

__all__ = ("every_body_error",)


def every_body_error(request: Request[Any, Any, Any], errors: list[Any] | None) -> list[Any] | None:
    """Widen Litestar's one body error to every failing field of the route's body type.

    msgspec stops at the first failing field. When that is what refused the request, the
    body (already read, so no I/O here) is checked field by field against the handler's
    ``data`` type, with the same rules as :class:`nexus.http.StrictRequest`. Errors a handler raised
    itself, and query or path errors, come back unchanged.
    """
    if not errors or not any(isinstance(e, dict) and e.get("source") == "body" for e in errors):
        return errors
    handler = request.scope.get("route_handler")
    signature = getattr(handler, "parsed_fn_signature", None)
    data = signature.parameters.get("data") if signature is not None else None
    if data is None:
        return errors
    state = ScopeState.from_scope(request.scope)
    value = state.json
    if value is Empty:
        if state.body is Empty:
            return errors
        try:
            value = decode_json_body(state.body)
        except HTTPException:
            return errors
    found = body_errors(value, data.annotation)
    if not found:  # the body converts: the handler refused it, with its own errors
        return errors
    others = [e for e in errors if not (isinstance(e, dict) and e.get("source") == "body")]
    return [msgspec.structs.asdict(error) for error in found] + others
