"""Tenants: the platform's table of tenants and its admin API."""

from __future__ import annotations

from nexus.tenancy._routes import TenantController
from nexus.tenancy._store import (
    SLUG_PATTERN,
    Tenant,
    TenantStatus,
    TenantUpdate,
    create_tenant,
    get_tenant,
    list_tenants,
    mirror_tenant,
    set_tenant_status,
    update_tenant,
)

__all__ = (
    "SLUG_PATTERN",
    "Tenant",
    "TenantController",
    "TenantStatus",
    "TenantUpdate",
    "create_tenant",
    "get_tenant",
    "list_tenants",
    "mirror_tenant",
    "set_tenant_status",
    "update_tenant",
)
