"""The kernel's own routes; plugins add theirs through :class:`nexus.plugins.NexusBridge`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Router

from nexus.blobs import blob_routes
from nexus.console import console_router
from nexus.events import event_routes
from nexus.features import feature_routes, preset_routes
from nexus.http import health_routes, problem_routes
from nexus.idaas import idaas_routes
from nexus.identity import identity_routes
from nexus.observability import metrics_route
from nexus.plans import plan_routes
from nexus.provisioning import provisioning_routes
from nexus.sso import sso_routes
from nexus.tenancy import TenantController
from nexus.workspace import workspace_routes

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

__all__ = ("kernel_routes",)


def kernel_routes() -> list[ControllerRouterHandler]:
    """The kernel's routes: health, problems, identity, tenants, features, console, workspace."""
    return [
        *health_routes,
        *problem_routes,
        metrics_route,
        *identity_routes,
        *sso_routes,
        *idaas_routes,
        # One router: tenancy (GET) and provisioning (POST) share /api/v1/tenants.
        Router(path="/", route_handlers=[TenantController, *provisioning_routes]),
        *feature_routes,
        *preset_routes,
        *plan_routes,
        *event_routes,
        *blob_routes,
        console_router,
        *workspace_routes,
    ]
