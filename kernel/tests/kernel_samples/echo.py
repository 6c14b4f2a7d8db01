"""A plugin whose route and event handler use the ``features`` and ``plugin_settings`` ports.

Its handler takes the :class:`nexus_hookspecs.EventContext`: on each ledger entry it
publishes ``echo.heard.v1`` in the delivery's transaction, carrying its settings' prefix and
whether its ``loud`` feature is on for the tenant, and files ``echo/<event id>.txt`` in the
tenant's files store.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from nexus_hookspecs import (
    EventContext,
    Feature,
    Features,
    Manifest,
    PluginSettings,
    RequestContext,
    hookimpl,
)

HEARD = "echo.heard.v1"


class EchoSettings(msgspec.Struct, kw_only=True):
    prefix: str = "echo"


@get("/")
async def show(
    features: NamedDependency[Features],
    plugin_settings: NamedDependency[PluginSettings],
    context: NamedDependency[RequestContext],
) -> dict[str, Any]:
    settings = await plugin_settings.get(context.tenant_id)
    return {"loud": await features.enabled("echo.loud"), "prefix": settings.prefix}


async def on_entry(event: Any, ctx: EventContext) -> None:
    settings = await ctx.settings()
    loud = await ctx.feature_enabled("echo.loud")
    count = await ctx.conn.fetchval("select count(*) from ledger_entry")
    await ctx.events.publish(
        ctx.conn,
        type=HEARD,
        data={"prefix": settings.prefix, "loud": loud, "entries": count, "of": event.id},
        subject=event.id,
    )
    await ctx.blobs.put(f"echo/{event.id}.txt", settings.prefix.encode(), content_type="text/plain")


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(
        name="echo",
        version="0.1.0",
        title="Echo",
        features=(Feature(key="loud", title="Loud", default=False),),
        events=(HEARD,),
        settings=EchoSettings,
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    register(show)


@hookimpl
def nexus_event_handlers(register: Any) -> None:
    register("ledger.entry.created.v1", on_entry)
