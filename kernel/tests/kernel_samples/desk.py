"""A plugin reading its settings through the ``settings`` dependency, with a slow enable hook.

Its enable hook records each call in ``ENABLED`` (and takes a moment, so concurrent first
requests overlap it); its handler of ledger entries records, in ``HANDLED``, how many times
the hook had run for the event's tenant when the event arrived.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from litestar import get
from nexus_hookspecs import EventContext, Manifest, hookimpl
from nexus_hookspecs.http import TenantSettings

if TYPE_CHECKING:
    from uuid import UUID

ENABLED: list[tuple[UUID, int]] = []
HANDLED: list[tuple[UUID, int]] = []


class DeskSettings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    default_sla_hours: Annotated[int, msgspec.Meta(ge=1, le=720)] = 24
    greeting: str = "Hello"
    channels: list[str] = msgspec.field(default_factory=lambda: ["mail"])


@get("/", sync_to_thread=False)
def show(settings: TenantSettings[DeskSettings]) -> dict[str, Any]:
    return {"sla": settings.default_sla_hours, "greeting": settings.greeting}


def _enabled(tenant_id: UUID) -> int:
    return sum(1 for tenant, _ in ENABLED if tenant == tenant_id)


async def on_entry(event: Any, ctx: EventContext) -> None:
    settings = await ctx.settings()
    HANDLED.append((ctx.tenant_id, _enabled(ctx.tenant_id)))
    assert isinstance(settings, DeskSettings)


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(name="desk", version="0.1.0", title="Desk", settings=DeskSettings)


@hookimpl
def nexus_routes(register: Any) -> None:
    register(show)


@hookimpl
def nexus_event_handlers(register: Any) -> None:
    register("ledger.entry.created.v1", on_entry)


@hookimpl
async def nexus_tenant_enable(tenant: Any, settings: DeskSettings, conn: Any) -> None:
    ENABLED.append((tenant.id, settings.default_sla_hours))
    # Slow on purpose: a concurrent first request arrives while this one holds the row.
    await asyncio.sleep(0.3)
