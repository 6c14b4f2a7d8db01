"""A stand-in for the plugins that call Calendar's services (tests only): it never imports
Calendar. ``POST /api/v1/caller/call`` with ``{"name": "calendar.events.upsert", "data":
{...}}`` calls the service through the kernel's services port in the request's transaction
and answers what Calendar answered."""

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
        return await services.call(conn, data.name, data.data, result=Any)


class Caller:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(
            name="caller",
            version="0.0.1",
            title="Caller",
            hookspecs=">=0.1.2,<0.2",
            permissions=(Permission(key="caller.calls:write"),),
        )

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(call)


caller = Caller()
