"""A stand-in caller of the ``notify.send`` service (tests only), as Support will call it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import Database, Manifest, Services, hookimpl
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


class _Caller:
    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(name="caller", version="0.0.1", title="caller")

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(reply)


caller = _Caller()
