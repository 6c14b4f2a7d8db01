"""The reconciliation sweep: purchases the providers never called back about are asked.

A purchase left ``pending`` (the provider did not answer) or ``submitted`` (its callback
never came, or came to no one) for longer than ``stale`` is confirmed with the provider's
status API, as ``POST /transactions/{id}/reconcile`` does: debited once, credited back once
on failure. ``NEXUS_VAS_SWEEP_S`` sets the interval in seconds (300 by default; 0 turns the
sweep off, leaving the route).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

import structlog
from nexus_hookspecs import Periodic

from nexus_vas._flow import confirm

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from uuid import UUID

    from nexus_hookspecs import Background, Connection, EventPublisher

    from nexus_vas._flow import Unit

__all__ = ("STALE", "SWEEPER", "sweep")

INTERVAL_ENV = "NEXUS_VAS_SWEEP_S"
STALE = timedelta(minutes=5)
"""How long a purchase waits for its callback before the sweep asks the provider."""
_BATCH = 100
log = structlog.get_logger("nexus_vas")


def _tenant_unit(work: Background, tenant_id: UUID) -> Unit:
    @asynccontextmanager
    async def unit() -> AsyncIterator[tuple[Connection, EventPublisher]]:
        async with work.as_tenant(tenant_id) as ctx:
            yield ctx.conn, ctx.events

    return unit


async def sweep(work: Background, *, stale: timedelta = STALE) -> int:
    """Confirm every tenant's unsettled purchases older than ``stale``; how many changed.

    Each purchase is confirmed in its own transactions: one failure is logged and the
    others are still confirmed.
    """
    changed = 0
    for tenant_id in await work.tenants():
        unit = _tenant_unit(work, tenant_id)
        try:
            async with unit() as (conn, _):
                rows = await conn.fetch(
                    "select id from vas_transaction where status in ('pending', 'submitted') "
                    "and updated_at < now() - $1::interval order by id limit $2",
                    stale,
                    _BATCH,
                )
        except LookupError:
            continue  # deprovisioned since it was listed
        for row in rows:
            try:
                _, done = await confirm(unit, row["id"])
            except Exception:  # noqa: BLE001 - the next purchase is still confirmed
                log.exception("vas sweep failed for a purchase", transaction=str(row["id"]))
                continue
            changed += done
    return changed


async def _tick(work: Background) -> None:
    await sweep(work)


SWEEPER = Periodic(_tick, name="vas sweep", interval_env=INTERVAL_ENV, default_s=300)
"""Runs :func:`sweep` every ``NEXUS_VAS_SWEEP_S`` seconds until stopped."""
