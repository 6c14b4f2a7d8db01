"""A plugin offering services (``nexus_services``) other plugins call in their transaction.

``depot.hold`` writes a hold with raw SQL on the caller's connection, publishes
``depot.held.v1`` (its own declared type) and answers with its settings' limit and the holds
row-level security lets it see; over the limit it refuses with a 409 naming the origin.
``depot.get`` answers a hold or 404. Its enable hook seeds one hold, so a tenant's first call
shows the first enablement ran.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from nexus_hookspecs import (
    Connection,
    EventType,
    Feature,
    Manifest,
    Service,
    ServiceContext,
    TenantRef,
    hookimpl,
    new_id,
)
from nexus_hookspecs.http import conflict, not_found

HELD = "depot.held.v1"


class DepotSettings(msgspec.Struct, kw_only=True):
    limit: int = 10


class HoldIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    origin: str
    quantity: int


class HoldOut(msgspec.Struct, kw_only=True):
    id: UUID
    origin: str
    quantity: int
    limit: int
    visible: int
    loud: bool


class GetIn(msgspec.Struct, kw_only=True):
    id: UUID


class HeldPayload(msgspec.Struct, kw_only=True):
    id: UUID
    origin: str


async def hold(data: HoldIn, ctx: ServiceContext) -> HoldOut:
    settings: DepotSettings = await ctx.settings()
    if data.quantity > settings.limit:
        conflict(f"{data.quantity} is over the limit", origin=data.origin, limit=settings.limit)
    hold_id = new_id()
    await ctx.conn.execute(
        "insert into depot_hold (id, origin, quantity) values ($1, $2, $3)",
        hold_id,
        data.origin,
        data.quantity,
    )
    await ctx.events.publish(ctx.conn, type=HELD, data=HeldPayload(id=hold_id, origin=data.origin))
    visible = await ctx.conn.fetchval("select count(*) from depot_hold")
    return HoldOut(
        id=hold_id,
        origin=data.origin,
        quantity=data.quantity,
        limit=settings.limit,
        visible=visible,
        loud=await ctx.feature_enabled("depot.loud"),
    )


async def get_hold(data: GetIn, ctx: ServiceContext) -> HoldOut:
    row = await ctx.conn.fetchrow(
        "select id, origin, quantity from depot_hold where id = $1", data.id
    )
    if row is None:
        not_found()
    visible = await ctx.conn.fetchval("select count(*) from depot_hold")
    settings: DepotSettings = await ctx.settings()
    return HoldOut(
        id=row["id"],
        origin=row["origin"],
        quantity=row["quantity"],
        limit=settings.limit,
        visible=visible,
        loud=False,
    )


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(
        name="depot",
        version="0.1.0",
        title="Depot",
        hookspecs=">=0.1.2,<0.2",
        features=(Feature(key="loud", title="Loud", default=False),),
        settings=DepotSettings,
        events=(EventType(type=HELD, description="A hold was written.", payload=HeldPayload),),
        tenant_tables=("depot_hold",),
    )


@hookimpl
def nexus_piccolo_app() -> str:
    return "kernel_samples.depot.piccolo_app"


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, settings: DepotSettings, conn: Connection) -> None:
    await conn.execute(
        "insert into depot_hold (id, origin, quantity) values ($1, 'seed', 0)", new_id()
    )


@hookimpl
def nexus_services(register: Any) -> None:
    register(
        Service(
            name="depot.hold",
            handler=hold,
            request=HoldIn,
            response=HoldOut,
            description="Writes a hold; publishes depot.held.v1.",
        )
    )
    register(
        Service(
            name="depot.get",
            handler=get_hold,
            request=GetIn,
            response=HoldOut,
            description="Answers a hold, or 404.",
        )
    )
