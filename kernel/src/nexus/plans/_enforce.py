"""Holding a tenant to its plan: refusals that name the limit, what it allows and the usage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.exceptions import HTTPException

from nexus.http import PROBLEM_TYPES

if TYPE_CHECKING:
    from collections.abc import Iterable
    from uuid import UUID

    from asyncpg import Connection

    from nexus.plans._catalog import PlanCatalog
    from nexus.plans._schema import Plan

__all__ = ("PlanGate", "PlanLimitExceeded")

_PROBLEM = PROBLEM_TYPES["plan-limit"]


class PlanLimitExceeded(HTTPException):
    """A write the tenant's plan does not allow: answered as a ``plan-limit`` problem (403).

    The problem's extension members name the ``plan``, the ``limit`` (``users``,
    ``plugins``, ``storage``, ``ai_tokens``), what the plan ``allowed`` and what the tenant
    has ``used``.
    """

    status_code = _PROBLEM.status

    def __init__(self, *, plan: str, limit: str, allowed: Any, used: Any, detail: str) -> None:
        extra = {
            "type": _PROBLEM.uri,
            "title": _PROBLEM.title,
            "plan": plan,
            "limit": limit,
            "allowed": allowed,
            "used": used,
        }
        super().__init__(detail=detail, status_code=_PROBLEM.status, extra=extra)
        self.plan, self.limit, self.allowed, self.used = plan, limit, allowed, used


class PlanGate:
    """The checks a write makes against its tenant's plan, in the write's own transaction.

    A tenant whose plan is not in the catalog is held to no limit (``nexus plans
    validate`` names such tenants).

    Example::

        gate = PlanGate(load_plans())
        async with database.transaction(tenant_id=tenant_id) as conn:
            await gate.check_seats(conn, tenant_id)
            ...  # insert the user
    """

    def __init__(self, catalog: PlanCatalog) -> None:
        self.catalog = catalog

    async def plan_of(self, conn: Connection, tenant_id: UUID) -> Plan | None:
        """The tenant's plan, or ``None`` when its plan is not in the catalog."""
        name = await conn.fetchval("select plan from nexus_tenant where id = $1", tenant_id)
        return self.catalog.get(name) if name is not None else None

    async def check_seats(self, conn: Connection, tenant_id: UUID) -> None:
        """Refuse one more user when the tenant's seats are taken.

        Seats are the users not disabled. A transaction-scoped advisory lock per tenant
        makes two concurrent invitations count one after the other.

        Raises:
            PlanLimitExceeded: the plan's ``users`` are all taken.
        """
        plan = await self.plan_of(conn, tenant_id)
        allowed = plan.limits.users if plan is not None else None
        if plan is None or allowed is None:
            return
        await conn.execute(
            "select pg_advisory_xact_lock(hashtext('nexus-seats:' || $1))", str(tenant_id)
        )
        used = await conn.fetchval(
            "select count(*) from nexus_user where tenant_id = $1 and not disabled", tenant_id
        )
        if used >= allowed:
            raise PlanLimitExceeded(
                plan=plan.name,
                limit="users",
                allowed=allowed,
                used=used,
                detail=f"the plan '{plan.name}' allows {allowed} users; the tenant has {used}",
            )

    async def check_plugins(self, conn: Connection, tenant_id: UUID, keys: Iterable[str]) -> None:
        """Refuse to switch on features of plugins the tenant's plan does not allow.

        Args:
            conn: The change's transaction.
            tenant_id: The tenant.
            keys: Feature keys about to be switched on (``crm``, ``crm.deals``).

        Raises:
            PlanLimitExceeded: naming the first plugin the plan excludes.
        """
        plan = await self.plan_of(conn, tenant_id)
        allowed = plan.limits.plugins if plan is not None else None
        if plan is None or allowed is None:
            return
        for key in keys:
            plugin = key.partition(".")[0]
            if plugin not in allowed:
                raise PlanLimitExceeded(
                    plan=plan.name,
                    limit="plugins",
                    allowed=allowed,
                    used=plugin,
                    detail=f"the plan '{plan.name}' does not include the plugin '{plugin}'",
                )
