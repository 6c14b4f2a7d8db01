"""The plans services of one app: the catalog, the gate writes pass, the usage meter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.plans._catalog import PlanCatalog, load_plans
from nexus.plans._enforce import PlanGate
from nexus.plans._meter import UsageMeter

if TYPE_CHECKING:
    from nexus.db import PostgresDatabase

__all__ = ("PlanRuntime",)


class PlanRuntime:
    """What the kernel holds of plans.

    Args:
        database: The API role's pool, which the meter writes through.
        flush_s: Seconds between the meter's writes (``NEXUS_USAGE_FLUSH_S``).
        catalog: The plans; the installed plan packs' by default.
    """

    def __init__(
        self, database: PostgresDatabase, *, flush_s: float, catalog: PlanCatalog | None = None
    ) -> None:
        self.catalog = catalog if catalog is not None else load_plans()
        self.gate = PlanGate(self.catalog)
        self.meter = UsageMeter(database)
        self.flush_s = flush_s

    def api_rate(self, plan: str) -> str | None:
        """The request budget of a tenant on ``plan``, or ``None`` (the configured one)."""
        found = self.catalog.get(plan)
        return found.limits.api_rate if found is not None else None

    async def start(self) -> None:
        """Start flushing the meter in the background."""
        self.meter.start(self.flush_s)

    async def stop(self) -> None:
        """Stop the meter, writing what it counted."""
        await self.meter.stop()
