"""A plugin for visitors and for background work, writing through ``depot``'s service.

``POST /public/{tenant}/holds`` takes no credentials (``access="visitor"``): it acts in the
tenant the slug names, holds one unit through ``depot.hold`` and answers who it acted as.
``GET /public/{tenant}/quiet`` needs the ``lobby.quiet`` feature, off by default.

Its ``nexus_background`` starts a line server on a loopback port (the address in
:data:`SERVER`): ``hold <slug> <origin>`` holds through ``depot.hold`` as that tenant,
``tenants`` lists the tenants with the lobby on, ``count`` counts the holds a connection in
no tenant sees, ``file <slug>`` writes and reads back a file of that tenant, ``event
<slug>`` publishes ``lobby.rang.v1``.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.params import FromPath, JSONBody
from nexus_hookspecs import Background, EventType, Feature, Manifest, hookimpl
from nexus_hookspecs.http import Context, Db, Services, route_opt

RANG = "lobby.rang.v1"
SERVER: dict[str, Any] = {}


class Held(msgspec.Struct):
    id: UUID
    visible: int


class VisitIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    origin: str


class VisitOut(msgspec.Struct, kw_only=True):
    id: UUID
    visible: int
    actor: str | None
    tenant_id: UUID | None


class Rang(msgspec.Struct, kw_only=True):
    by: str


@post("/public/{tenant:str}/holds", opt=route_opt(access="visitor"), status_code=200)
async def visit(
    tenant: FromPath[str], data: JSONBody[VisitIn], db: Db, services: Services, context: Context
) -> VisitOut:
    """Hold one unit for a visitor, in the tenant the slug names."""
    del tenant  # the kernel has resolved it: the transaction below is that tenant's
    async with db.transaction() as conn:
        held = await services.call(
            conn, "depot.hold", {"origin": data.origin, "quantity": 1}, result=Held
        )
    return VisitOut(
        id=held.id, visible=held.visible, actor=context.actor, tenant_id=context.tenant_id
    )


@get("/public/{tenant:str}/quiet", opt=route_opt(access="visitor", feature="lobby.quiet"))
async def quiet(tenant: FromPath[str]) -> str:
    """Answers only while ``lobby.quiet`` is on for the tenant."""
    return f"quiet in {tenant}"


async def _answer(work: Background, line: str) -> str:
    command, *args = line.split()
    if command == "tenants":
        return "tenants " + " ".join(str(tenant) for tenant in await work.tenants())
    if command == "count":
        async with work.connection() as conn:
            return f"count {await conn.fetchval('select count(*) from depot_hold')}"
    tenant_id = await work.tenant_id(args[0])
    if tenant_id is None:
        return "no-tenant"
    if command == "file":
        store = work.blobs(tenant_id)
        await store.put("lobby/note.txt", b"left by the lobby", content_type="text/plain")
        return "file " + (await store.get("lobby/note.txt")).decode()
    async with work.as_tenant(tenant_id) as ctx:
        if command == "event":
            await ctx.events.publish(ctx.conn, type=RANG, data=Rang(by="background"))
            return "rang"
        held = await ctx.services.call(
            ctx.conn, "depot.hold", {"origin": args[1], "quantity": 1}, result=Held
        )
        return f"held {held.visible}"


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(
        name="lobby",
        version="0.1.0",
        title="Lobby",
        hookspecs=">=0.1.3,<0.2",
        requires=("depot",),
        features=(Feature(key="quiet", title="Quiet", default=False),),
        events=(EventType(type=RANG, description="The lobby rang.", payload=Rang),),
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    register(visit)
    register(quiet)


@hookimpl
async def nexus_background(work: Background) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = (await reader.readline()).decode().strip()
        writer.write((await _answer(work, line)).encode() + b"\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    SERVER["server"] = server
    SERVER["port"] = server.sockets[0].getsockname()[1]


@hookimpl
def nexus_shutdown(app: Any) -> None:
    server = SERVER.pop("server", None)
    if server is not None:
        server.close()
