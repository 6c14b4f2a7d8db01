"""Retention per tenant: messages older than the tenant's ``retention_days`` are deleted.

The sweep runs in the plugin's background work every ``NEXUS_CHAT_RETENTION_SWEEP_S``
seconds (3600 by default; 0 turns it off) over every tenant with Chat on. A tenant without
``retention_days`` keeps its messages. A deleted message takes its edit history and its
reactions with it (the foreign keys cascade); replies to it stay, until they age out too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import msgspec
import structlog
from nexus_hookspecs import Periodic

if TYPE_CHECKING:
    from nexus_hookspecs import Background

__all__ = ("INTERVAL_ENV", "SWEEPER", "ChatSettings", "sweep")

INTERVAL_ENV = "NEXUS_CHAT_RETENTION_SWEEP_S"
log = structlog.get_logger("nexus_chat")


class ChatSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or a tenant admin) may set for Chat.

    Attributes:
        retention_days: Messages older than this many days are deleted; ``None`` keeps them.
    """

    retention_days: Annotated[int, msgspec.Meta(ge=1, le=36500)] | None = None


async def sweep(work: Background, now: datetime) -> int:
    """Delete every tenant's messages older than its retention at ``now``; how many went.

    Each tenant in its own transaction: one tenant's failure is logged, the others swept.
    """
    deleted = 0
    for tenant_id in await work.tenants():
        try:
            async with work.as_tenant(tenant_id) as ctx:
                settings: ChatSettings = await ctx.settings() or ChatSettings()
                if settings.retention_days is None:
                    continue
                done = await ctx.conn.execute(
                    "delete from chat_message where created_at < $1::timestamptz "
                    "- make_interval(days => $2)",
                    now,
                    settings.retention_days,
                )
        except LookupError:
            continue  # deprovisioned since it was listed
        except Exception:  # noqa: BLE001 - the next tenant is still swept
            log.exception("chat retention sweep failed for a tenant", tenant_id=str(tenant_id))
            continue
        deleted += int(done.rsplit(" ", 1)[-1])
    return deleted


async def _tick(work: Background) -> None:
    await sweep(work, datetime.now(UTC))


SWEEPER = Periodic(_tick, name="chat retention sweep", interval_env=INTERVAL_ENV, default_s=3600)
"""Runs :func:`sweep` every ``NEXUS_CHAT_RETENTION_SWEEP_S`` seconds until stopped."""
