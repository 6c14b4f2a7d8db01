"""The kernel's services as one typed object, and the one way to reach it from an app.

:func:`nexus.compose.build_kernel` builds a :class:`Kernel` once per app; ``create_app``
stores it on the app; routes, the CLI, the console and tests read it with
:func:`kernel_of`, never through attributes of ``app.state``.

This module names every service's type for the type checker only and imports nothing of
the kernel at run time, so that a route in any package may read its services here without
an import pointing up the layers.

Example::

    kernel = kernel_of(request.app)
    await kernel.features.service.set(tenant_id, "crm", enabled=True, actor=actor)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar import Litestar

    from nexus.blobs import BlobRuntime
    from nexus.cache import CacheRuntime
    from nexus.compose import EventRuntime, ServiceCalls
    from nexus.db import PostgresDatabase
    from nexus.features import FeatureRuntime
    from nexus.http import RateLimits
    from nexus.identity import Authenticator
    from nexus.plans import PlanRuntime
    from nexus.plugins import PluginRegistry
    from nexus.provisioning import ProvisioningService
    from nexus.settings import Settings

__all__ = ("Kernel", "attach_kernel", "kernel_of")

_STATE_KEY = "nexus"


@dataclass(frozen=True, kw_only=True, slots=True)
class Kernel:
    """Everything one Nexus app runs on, built once and started by the app's lifecycle.

    Attributes:
        settings: The ``NEXUS_*`` settings the app was built from.
        registry: The loaded plugins.
        database: The API role's PostgreSQL pool (row-level security applies).
        authenticator: Turns bearer tokens into principals; caches tenants and keys.
        features: Feature toggles (``toggles``), their change service (``service``), the
            presets catalog (``presets``) and the fan-out channel.
        provisioning: Runs and resumes provisioning in the background.
        cache: The cache service and its invalidation fan-out.
        blobs: The file store (local files or S3).
        rate_limits: The per-tenant and per-key request budgets.
        plans: The plans catalog, the checks writes make against a tenant's plan, and the
            usage meter.
        event_worker: The event relay and consumers when this process runs them
            (``NEXUS_EVENT_WORKER``), else ``None``.
        services: The services plugins offer each other (the ``services`` port).
    """

    settings: Settings
    registry: PluginRegistry
    database: PostgresDatabase
    authenticator: Authenticator
    features: FeatureRuntime
    provisioning: ProvisioningService
    cache: CacheRuntime
    blobs: BlobRuntime
    rate_limits: RateLimits
    plans: PlanRuntime
    event_worker: EventRuntime | None
    services: ServiceCalls


def attach_kernel(app: Litestar, kernel: Kernel) -> None:
    """Store ``kernel`` on ``app`` (composition does this once, in ``create_app``)."""
    app.state[_STATE_KEY] = kernel


def kernel_of(app: Litestar) -> Kernel:
    """Return the services of an app built by :func:`nexus.create_app`.

    Raises:
        LookupError: When ``app`` was not built by ``create_app``.
    """
    kernel = app.state.get(_STATE_KEY)
    if not isinstance(kernel, Kernel):
        raise LookupError("not a Nexus app: create_app stores the kernel's services")
    return kernel
