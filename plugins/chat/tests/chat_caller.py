"""A stand-in for the plugins that call Chat's services (tests only): it never imports Chat.

``POST /api/v1/caller/call`` with ``{"name": "chat.messages.post", "data": {...}}`` calls the
service through the kernel's services port in the request's transaction and answers what
Chat answered (its 404 as the route's).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import post
from litestar.params import JSONBody
from nexus_hookspecs import Manifest, Permission, hookimpl
from nexus_hookspecs.http import Db, Services, route_opt


class Call(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    data: dict[str, Any]


@post("/call", opt=route_opt(permission="caller.calls:write"), status_code=200)
async def call(data: JSONBody[Call], db: Db, services: Services) -> Any:
    """Call ``name`` with ``data``; answer its reply."""
    async with db.transaction() as conn:
        return await services.call(conn, data.name, data.data, result=dict[str, Any])


# Hook implementations at module level: the plugin is this module, which a placed
# database's migration child process can import by name.
@hookimpl
def nexus_manifest() -> Manifest:
    """The stand-in's manifest."""
    return Manifest(
        name="caller",
        version="0.0.1",
        title="Caller",
        hookspecs=">=0.1.2,<0.2",
        permissions=(Permission(key="caller.calls:write"),),
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    """Mount ``POST /api/v1/caller/call``."""
    register(call)
