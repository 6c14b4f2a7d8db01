"""A plugin with WebSocket routes (contract 0.1.5), writing through ``depot``'s service.

``/ws`` (permission ``intercom.lines:talk``) greets with the tenant and actor it was
admitted as, then answers each text message by holding one unit through ``depot.hold`` in a
transaction of its own (row-level security set to the caller's tenant), publishing
``intercom.said.v1`` in it and counting the messages in the tenant's cache.
``/quiet`` needs the ``intercom.quiet`` feature, off by default.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import WebSocket, websocket
from nexus_hookspecs import EventType, Feature, Manifest, Permission, hookimpl
from nexus_hookspecs.http import Context, Db, Events, Services, TenantCache, route_opt

SAID = "intercom.said.v1"


class Held(msgspec.Struct):
    id: UUID
    visible: int


class Said(msgspec.Struct, kw_only=True):
    text: str


@websocket("/ws", opt=route_opt(permission="intercom.lines:talk"))
async def line(
    socket: WebSocket[Any, Any, Any],
    db: Db,
    services: Services,
    events: Events,
    cache: TenantCache,
    context: Context,
) -> None:
    """Greet, then answer each message with the holds the tenant sees and the count so far."""
    await socket.accept()
    await socket.send_json(
        {"tenant_id": str(context.tenant_id), "actor": context.actor, "plugin": context.plugin}
    )
    async for text in socket.iter_data(mode="text"):
        async with db.transaction() as conn:
            held = await services.call(
                conn, "depot.hold", {"origin": f"ws:{text}", "quantity": 1}, result=Held
            )
            await events.publish(conn, type=SAID, data=Said(text=str(text)))
        count = int(await cache.get("said") or b"0") + 1
        await cache.set("said", str(count).encode(), ttl=60)
        await socket.send_json({"visible": held.visible, "said": count})


@websocket("/quiet", opt=route_opt(permission="intercom.lines:talk", feature="intercom.quiet"))
async def quiet(socket: WebSocket[Any, Any, Any]) -> None:
    """Answers only while ``intercom.quiet`` is on for the tenant."""
    await socket.accept()
    await socket.send_text("quiet")
    await socket.close()


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(
        name="intercom",
        version="0.1.0",
        title="Intercom",
        hookspecs=">=0.1.5,<0.2",
        requires=("depot",),
        features=(Feature(key="quiet", title="Quiet", default=False),),
        permissions=(Permission(key="intercom.lines:talk", description="Talk on the line."),),
        events=(EventType(type=SAID, description="Someone said something.", payload=Said),),
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    register(line)
    register(quiet)
