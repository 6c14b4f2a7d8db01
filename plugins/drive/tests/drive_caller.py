"""A stand-in for the plugins that call Drive's services (tests only): it never imports Drive.

``POST /api/v1/caller/call`` with ``{"name": "drive.files.adopt", "data": {...}}`` calls the
service through the kernel's services port in the request's transaction and answers what
Drive answered; ``POST /api/v1/caller/blobs`` writes an object into the tenant's files store,
as Finance writes an invoice's PDF.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import post
from litestar.params import JSONBody
from nexus_hookspecs import Manifest, Permission, hookimpl
from nexus_hookspecs.http import Db, Services, TenantBlobs, route_opt


class Call(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    data: dict[str, Any]


class Blob(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    key: str
    text: str
    content_type: str = "text/plain"


@post("/call", opt=route_opt(permission="caller.calls:write"), status_code=200)
async def call(data: JSONBody[Call], db: Db, services: Services) -> Any:
    """Call ``name`` with ``data``; answer its reply."""
    async with db.transaction() as conn:
        return await services.call(conn, data.name, data.data, result=dict[str, Any])


@post("/blobs", opt=route_opt(permission="caller.calls:write"), status_code=200)
async def blob(data: JSONBody[Blob], blobs: TenantBlobs) -> dict[str, Any]:
    """Store ``text`` under ``key``."""
    info = await blobs.put(data.key, data.text.encode(), content_type=data.content_type)
    return {"key": info.key, "size": info.size}


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
        register(blob)


caller = Caller()
