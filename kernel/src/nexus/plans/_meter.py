"""Usage counters kept in the process and added to ``nexus_usage`` in batches.

A request must not cost a database write to be counted: :meth:`UsageMeter.count` adds to a
dictionary, and :meth:`UsageMeter.flush` (every ``NEXUS_USAGE_FLUSH_S`` seconds, and on
shutdown) adds each tenant's counts to its rows in one transaction per tenant.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from uuid import UUID

    from nexus.db import PostgresDatabase

__all__ = ("API_CALLS", "AI_TOKENS", "UsageMeter", "period_of")

log = structlog.get_logger("nexus.plans")

API_CALLS = "api_calls"
"""Authenticated requests made in a tenant."""
AI_TOKENS = "ai_tokens"
"""Language-model tokens (in and out) used for a tenant."""


def period_of(moment: datetime) -> str:
    """The billing period of ``moment``: its calendar month in UTC, ``YYYY-MM``."""
    return moment.astimezone(UTC).strftime("%Y-%m")


class UsageMeter:
    """Counters per tenant, period and metric, flushed to the database in batches.

    Example::

        meter = UsageMeter(database)
        meter.count(tenant_id, API_CALLS)
        await meter.flush()
    """

    def __init__(self, database: PostgresDatabase) -> None:
        self.database = database
        self._counts: defaultdict[tuple[UUID, str, str], int] = defaultdict(int)
        self._period = period_of(datetime.now(UTC))
        self._task: asyncio.Task[None] | None = None

    def count(self, tenant_id: UUID, metric: str, amount: int = 1) -> None:
        """Add ``amount`` to the tenant's ``metric`` in the current period (no I/O)."""
        self._counts[tenant_id, self._period, metric] += amount

    async def flush(self) -> int:
        """Add the counts so far to ``nexus_usage``; return how many rows were written.

        Counts a failed transaction did not write are kept for the next flush.
        """
        counts, self._counts = self._counts, defaultdict(int)
        self._period = period_of(datetime.now(UTC))
        by_tenant: defaultdict[UUID, list[tuple[str, str, int]]] = defaultdict(list)
        for (tenant_id, period, metric), amount in counts.items():
            by_tenant[tenant_id].append((period, metric, amount))
        written = 0
        for tenant_id, rows in by_tenant.items():
            try:
                async with self.database.transaction(tenant_id=tenant_id) as conn:
                    await conn.executemany(
                        "insert into nexus_usage (tenant_id, period, metric, value) "
                        "values ($1, $2, $3, $4) on conflict (tenant_id, period, metric) "
                        "do update set value = nexus_usage.value + excluded.value, "
                        "updated_at = now()",
                        [(tenant_id, *row) for row in rows],
                    )
                written += len(rows)
            except Exception as exc:  # noqa: BLE001 - counts survive any failure
                log.warning("usage not flushed; kept for the next flush", error=str(exc))
                for period, metric, amount in rows:
                    self._counts[tenant_id, period, metric] += amount
        return written

    def start(self, every_s: float) -> None:
        """Flush every ``every_s`` seconds in the background until :meth:`stop`."""

        async def loop() -> None:
            while True:
                await asyncio.sleep(every_s)
                await self.flush()

        self._task = asyncio.create_task(loop(), name="nexus-usage-flush")

    async def stop(self) -> None:
        """Stop flushing in the background, then flush what is left."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
