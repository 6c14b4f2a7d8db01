"""The expiry sweep: unpaid orders past their time are cancelled, stale carts abandoned.

``POST /orders/expire`` runs it for one tenant when an operator or a test asks; the sweep
runs the same for every tenant with Shop on from the plugin's background work.
``NEXUS_SHOP_SWEEP_S`` sets the interval in seconds (60 by default; 0 turns the sweep off,
leaving the route).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog
from nexus_hookspecs import Periodic

from nexus_shop._cancel import expire
from nexus_shop._settings import ShopSettings

if TYPE_CHECKING:
    from nexus_hookspecs import Background

__all__ = ("INTERVAL_ENV", "SWEEPER", "sweep")

INTERVAL_ENV = "NEXUS_SHOP_SWEEP_S"
log = structlog.get_logger("nexus_shop")


async def sweep(work: Background, now: datetime) -> int:
    """Expire every tenant's due orders at ``now``; how many orders were cancelled.

    Each tenant runs in its own transaction: one tenant's failure is logged and the others
    are still swept.
    """
    cancelled = 0
    for tenant_id in await work.tenants():
        try:
            async with work.as_tenant(tenant_id) as ctx:
                found = await ctx.settings()
                settings = found if isinstance(found, ShopSettings) else ShopSettings()
                orders, _ = await expire(ctx.conn, ctx.events, ctx.services, settings, now=now)
        except LookupError:
            continue  # deprovisioned since it was listed
        except Exception:  # noqa: BLE001 - the next tenant is still swept
            log.exception("shop sweep failed for a tenant", tenant_id=str(tenant_id))
            continue
        cancelled += orders
    return cancelled


async def _tick(work: Background) -> None:
    await sweep(work, datetime.now(UTC))


SWEEPER = Periodic(_tick, name="shop sweep", interval_env=INTERVAL_ENV, default_s=60)
"""Runs :func:`sweep` every ``NEXUS_SHOP_SWEEP_S`` seconds until stopped."""
