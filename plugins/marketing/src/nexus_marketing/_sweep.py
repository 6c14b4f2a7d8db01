"""The due-batch sweep: batches the rate put later are sent when their time comes.

``NEXUS_MARKETING_SWEEP_S`` sets the interval in seconds (15 by default; 0 turns the loop
off, leaving ``POST /campaigns/sweep``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog
from nexus_hookspecs import Periodic

from nexus_marketing._send import send_batch
from nexus_marketing._settings import MarketingSettings

if TYPE_CHECKING:
    from nexus_hookspecs import Background, Connection, Services

__all__ = ("SWEEPER", "send_due", "sweep")

log = structlog.get_logger("nexus_marketing")


async def send_due(
    conn: Connection, services: Services, settings: MarketingSettings, now: datetime
) -> int:
    """Send the tenant's due batches; answer how many messages were queued."""
    due = await conn.fetch(
        "select id from marketing_batch where sent_at is null and due_at <= $1 "
        "order by due_at limit 50",
        now,
    )
    sent = 0
    for row in due:
        sent += await send_batch(conn, services, row["id"], settings, now)
    return sent


async def sweep(work: Background) -> int:
    """Send every tenant's due batches, each tenant in its own transaction."""
    sent = 0
    for tenant_id in await work.tenants():
        try:
            async with work.as_tenant(tenant_id) as ctx:
                settings = await ctx.settings() or MarketingSettings()
                sent += await send_due(ctx.conn, ctx.services, settings, datetime.now(UTC))
        except LookupError:
            continue
        except Exception:  # noqa: BLE001 - one tenant's failure must not stop the others
            log.exception("marketing sweep failed", tenant_id=str(tenant_id))
    return sent


SWEEPER = Periodic(
    sweep, name="marketing sweep", interval_env="NEXUS_MARKETING_SWEEP_S", default_s=15
)
