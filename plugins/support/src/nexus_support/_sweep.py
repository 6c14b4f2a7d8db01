"""The SLA sweep: each tenant with Support on is checked every minute, as no one asks.

``POST /sla/check`` checks one tenant when an operator or a test asks; the sweep runs the
same check for every tenant from the plugin's background work, so breach and warning
events go out on their own. ``NEXUS_SUPPORT_SLA_SWEEP_S`` sets the interval in seconds
(60 by default; 0 turns the sweep off, leaving the route).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog
from nexus_hookspecs import Periodic

from nexus_support._sla_check import check

if TYPE_CHECKING:
    from nexus_hookspecs import Background

__all__ = ("SWEEPER", "sweep")

INTERVAL_ENV = "NEXUS_SUPPORT_SLA_SWEEP_S"
log = structlog.get_logger("nexus_support")


async def sweep(work: Background, now: datetime) -> int:
    """Check every tenant with Support on at ``now``; return the alerts published.

    Each tenant is checked in its own transaction: one tenant's failure is logged and the
    others are still checked.
    """
    alerts = 0
    for tenant_id in await work.tenants():
        try:
            async with work.as_tenant(tenant_id) as ctx:
                result = await check(ctx.conn, ctx.events, now=now)
        except LookupError:
            continue  # deprovisioned since it was listed
        except Exception:  # noqa: BLE001 - the next tenant is still checked
            log.exception("sla sweep failed for a tenant", tenant_id=str(tenant_id))
            continue
        alerts += result.warnings + result.breaches
    return alerts


async def _tick(work: Background) -> None:
    await sweep(work, datetime.now(UTC))


SWEEPER = Periodic(_tick, name="sla sweep", interval_env=INTERVAL_ENV, default_s=60)
"""Runs :func:`sweep` every ``NEXUS_SUPPORT_SLA_SWEEP_S`` seconds until stopped."""
