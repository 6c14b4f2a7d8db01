"""The background retention sweep: every tenant with Documents on, every hour.

``POST /retention/sweep`` sweeps one tenant when an operator or a test asks; this runs the
same sweep for every tenant from the plugin's background work. ``NEXUS_DOCUMENTS_SWEEP_S``
sets the interval in seconds (3600 by default; 0 turns the background sweep off, leaving
the route).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import structlog
from nexus_hookspecs import Periodic

from nexus_documents._retention import sweep_tenant

if TYPE_CHECKING:
    from nexus_hookspecs import Background

__all__ = ("INTERVAL_ENV", "SWEEPER", "sweep")

INTERVAL_ENV = "NEXUS_DOCUMENTS_SWEEP_S"
log = structlog.get_logger("nexus_documents")


async def sweep(work: Background, today: date) -> int:
    """Sweep every tenant with Documents on at ``today``; return the documents expired.

    Each tenant is swept in its own transaction: one tenant's failure is logged and the
    others are still swept.
    """
    expired = 0
    for tenant_id in await work.tenants():
        try:
            async with work.as_tenant(tenant_id) as ctx:
                result = await sweep_tenant(ctx.conn, ctx.events, ctx.services, today=today)
        except LookupError:
            continue  # deprovisioned since it was listed
        except Exception:  # noqa: BLE001 - the next tenant is still swept
            log.exception("retention sweep failed for a tenant", tenant_id=str(tenant_id))
            continue
        expired += result.expired
    return expired


async def _tick(work: Background) -> None:
    await sweep(work, datetime.now(UTC).date())


SWEEPER = Periodic(_tick, name="retention sweep", interval_env=INTERVAL_ENV, default_s=3600)
"""Runs :func:`sweep` every ``NEXUS_DOCUMENTS_SWEEP_S`` seconds until stopped."""
