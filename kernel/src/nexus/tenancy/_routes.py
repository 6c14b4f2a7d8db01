"""Platform-admin routes: ``/api/v1/tenants``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, patch, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody, QueryParameter
from nexus_hookspecs.http import Cursor, Limit, Page, after_id, invalid, page_of

from nexus.http import KernelDb
from nexus.services import kernel_of
from nexus.tenancy._store import (
    Tenant,
    TenantStatus,
    TenantUpdate,
    get_tenant,
    list_tenants,
    mirror_tenant,
    set_tenant_status,
    update_tenant,
)

if TYPE_CHECKING:
    from nexus.db import TenantDatabase

__all__ = ("TenantController",)


class TenantController(Controller):
    """Tenants, for platform admins."""

    path = "/api/v1/tenants"
    tags = ["tenants"]
    opt = {"nexus_access": "platform"}

    @get("/", summary="List tenants")
    async def list(
        self,
        db: KernelDb,
        limit: Limit = 50,
        cursor: Cursor = None,
        status: Annotated[TenantStatus | None, QueryParameter()] = None,
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
    ) -> Page[Tenant]:
        """Tenants, oldest first, filtered by status or a search in slug and name."""
        async with db.transaction() as conn:
            items = await list_tenants(
                conn, after=after_id(cursor), limit=limit + 1, status=status, search=q
            )
        return page_of(items, limit)

    @get("/{tenant_id:uuid}", summary="Show a tenant")
    async def show(self, db: KernelDb, tenant_id: FromPath[UUID]) -> Tenant:
        """One tenant."""
        async with db.transaction() as conn:
            return _found(await get_tenant(conn, tenant_id))

    @patch("/{tenant_id:uuid}", summary="Change a tenant")
    async def change(
        self,
        request: Request[Any, Any, Any],
        db: KernelDb,
        tenant_id: FromPath[UUID],
        data: JSONBody[TenantUpdate],
    ) -> Tenant:
        """Change a tenant's name, plan (one of ``GET /api/v1/plans``) or business profile.

        A new plan's limits hold from the next write; what the tenant has beyond them
        (users, plugins switched on) stays.
        """
        kernel = kernel_of(request.app)
        if data.plan is not None and kernel.plans.catalog.get(data.plan) is None:
            raise invalid("plan", f"no plan '{data.plan}'; GET /api/v1/plans lists them")
        async with db.transaction() as conn:
            tenant = _found(await update_tenant(conn, tenant_id, data))
        await mirror_tenant(kernel.database, tenant)
        if data.plan is not None:
            kernel.authenticator.forget()  # the rate limit reads the plan it remembers
        return tenant

    @post("/{tenant_id:uuid}/suspend", summary="Suspend a tenant", status_code=200)
    async def suspend(
        self, request: Request[Any, Any, Any], db: KernelDb, tenant_id: FromPath[UUID]
    ) -> Tenant:
        """Suspend a tenant: its credentials answer 403 until it is resumed."""
        return await _set_status(request, db, tenant_id, TenantStatus.SUSPENDED)

    @post("/{tenant_id:uuid}/resume", summary="Resume a tenant", status_code=200)
    async def resume(
        self, request: Request[Any, Any, Any], db: KernelDb, tenant_id: FromPath[UUID]
    ) -> Tenant:
        """Resume a suspended tenant."""
        return await _set_status(request, db, tenant_id, TenantStatus.ACTIVE)


async def _set_status(
    request: Request[Any, Any, Any],
    db: TenantDatabase,
    tenant_id: FromPath[UUID],
    status: TenantStatus,
) -> Tenant:
    async with db.transaction() as conn:
        tenant = _found(await set_tenant_status(conn, tenant_id, status))
    await mirror_tenant(kernel_of(request.app).database, tenant)
    kernel_of(request.app).authenticator.forget()
    return tenant


def _found(tenant: Tenant | None) -> Tenant:
    if tenant is None:
        raise NotFoundException()
    return tenant
