"""A plugin calling ``depot``'s services from its routes and from an event handler.

It never imports ``depot``: it sends dicts and mirrors the fields it needs in its own
Structs. ``POST /hold`` raises after the call when asked to, so the provider's write rolls
back with the caller's transaction. Its handler of ``counter.asked.v1`` calls ``depot.hold``
through ``ctx.services`` in the delivery's transaction.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.params import FromPath, JSONBody
from nexus_hookspecs import EventContext, EventType, Manifest, Permission, hookimpl
from nexus_hookspecs.http import Db, Events, Services, conflict, route_opt

ASKED = "counter.asked.v1"


class Held(msgspec.Struct):
    """The caller's own mirror of what it needs of ``depot.hold``'s answer."""

    id: UUID
    quantity: int
    limit: int
    visible: int
    loud: bool


class Narrow(msgspec.Struct):
    id: str  # ``depot.hold`` answers a UUID: converting it to text is refused (strict)


class HoldBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    origin: str
    quantity: int
    fail: bool = False


@post("/hold", opt=route_opt(permission="counter.holds:write"), status_code=200)
async def hold(data: JSONBody[HoldBody], db: Db, services: Services) -> Held:
    """Hold through depot's service; raise afterwards when ``fail`` (rolling both back)."""
    async with db.transaction() as conn:
        answer = await services.call(
            conn, "depot.hold", {"origin": data.origin, "quantity": data.quantity}, result=Held
        )
        if data.fail:
            conflict("the caller changed its mind")
    return answer


@get("/holds/{hold_id:uuid}", opt=route_opt(permission="counter.holds:read"))
async def show(hold_id: FromPath[UUID], db: Db, services: Services) -> Held:
    """A hold, through depot's ``depot.get`` (404 from the provider propagates)."""
    async with db.transaction() as conn:
        return await services.call(conn, "depot.get", {"id": hold_id}, result=Held)


@get("/available", opt=route_opt(permission="counter.holds:read"))
async def available(db: Db, services: Services) -> dict[str, bool]:
    """Which services are there for the tenant."""
    async with db.transaction() as conn:
        return {name: await services.available(conn, name) for name in ("depot.hold", "nowhere.do")}


@post("/nowhere", opt=route_opt(permission="counter.holds:write"), status_code=200)
async def nowhere(db: Db, services: Services) -> None:
    """Call a service no plugin offers: 409 naming the plugin."""
    async with db.transaction() as conn:
        await services.call(conn, "nowhere.do", {}, result=type(None))


@post("/wrong/{kind:str}", opt=route_opt(permission="counter.holds:write"), status_code=200)
async def wrong(kind: FromPath[str], db: Db, services: Services) -> dict[str, str]:
    """Send data or expect an answer the types refuse: a TypeError names the field."""
    async with db.transaction() as conn:
        try:
            if kind == "request":
                await services.call(
                    conn, "depot.hold", {"origin": "x", "quantity": "2"}, result=Held
                )
            else:
                await services.call(
                    conn, "depot.hold", {"origin": "x", "quantity": 2}, result=Narrow
                )
        except TypeError as exc:
            return {"error": str(exc)}
    return {"error": ""}


@post("/ask", opt=route_opt(permission="counter.holds:write"), status_code=200)
async def ask(data: JSONBody[HoldBody], db: Db, events: Events) -> dict[str, str]:
    """Publish counter.asked.v1; its handler holds through ``ctx.services``."""
    async with db.transaction() as conn:
        event_id = await events.publish(
            conn, type=ASKED, data={"origin": data.origin, "quantity": data.quantity}
        )
    return {"event_id": event_id}


async def on_asked(event: Any, ctx: EventContext) -> None:
    await ctx.services.call(ctx.conn, "depot.hold", event.data, result=Held)


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(
        name="counter",
        version="0.1.0",
        title="Counter",
        hookspecs=">=0.1.2,<0.2",
        permissions=(
            Permission(key="counter.holds:read"),
            Permission(key="counter.holds:write"),
        ),
        events=(EventType(type=ASKED, description="A hold was asked for."),),
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    for handler in (hold, show, available, nowhere, wrong, ask):
        register(handler)


@hookimpl
def nexus_event_handlers(register: Any) -> None:
    register(ASKED, on_asked)
