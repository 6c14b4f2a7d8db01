"""A stand-in caller of the ``notify.send`` service (tests only), as Support will call it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from nexus_hookspecs import BlobStore, Database, Manifest, Services, hookimpl
from nexus_hookspecs.http import ServiceUnavailable


class Sent(msgspec.Struct):
    """The caller's own mirror of the answer's fields it needs."""

    message_id: UUID
    deliveries: list[dict[str, Any]]


@post("/reply", status_code=200)
async def reply(
    data: JSONBody[dict[str, Any]],
    db: NamedDependency[Database],
    services: NamedDependency[Services],
) -> dict[str, Any]:
    """Send ``data`` through notify.send in this request's transaction."""
    async with db.transaction() as conn:
        try:
            sent = await services.call(conn, "notify.send", data, result=Sent)
        except ServiceUnavailable:
            return {"fallback": True}
    return {"message_id": str(sent.message_id), "deliveries": sent.deliveries}


@put("/files/{key:path}", status_code=200)
async def keep(
    key: FromPath[str], request: Request[Any, Any, Any], blobs: NamedDependency[BlobStore]
) -> dict[str, Any]:
    """Store the body in the tenant's files store (what a caller attaches)."""
    info = await blobs.put(
        key.lstrip("/"), await request.body(), content_type=request.headers["content-type"]
    )
    return {"key": info.key, "size": info.size}


class _Caller:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name="caller", version="0.0.1", title="caller")

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(reply)
        register(keep)


caller = _Caller()
