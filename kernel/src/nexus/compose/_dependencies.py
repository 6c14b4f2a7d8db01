"""The dependencies every handler may declare: the ports of ``nexus_hookspecs``.

The one place they are listed: a new port is one more entry in :func:`kernel_dependencies`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.di import NamedDependency, Provide

from nexus.compose._calls import (
    TenantServices,  # noqa: TC001 - Litestar reads provider hints at run time
)
from nexus.db import TenantDatabase
from nexus.events import events_provider
from nexus.features import feature_ports
from nexus.http import (
    KernelContext,  # noqa: TC001 - Litestar reads provider hints at run time
    provide_context,
    request_actor,
    request_tenant,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.connection import ASGIConnection

    from nexus.services import Kernel

__all__ = ("kernel_dependencies",)


def kernel_dependencies(kernel: Kernel) -> dict[str, Provide]:
    """The ports by parameter name: ``db``, ``context``, ``events``, ``services`` and the rest."""

    def provide_db(context: NamedDependency[KernelContext]) -> TenantDatabase:
        # Bound to the context's tenant. Depending on ``context`` also keeps Litestar from
        # resolving the two concurrently, which costs a task group per request.
        return TenantDatabase(kernel.database, context.tenant_id)

    def provide_services(request: ASGIConnection[Any, Any, Any, Any]) -> TenantServices:
        # Bound to the request's tenant, on behalf of the route's plugin and its caller.
        plugin = request.route_handler.opt.get("nexus_plugin")
        return kernel.services.bound(
            request_tenant(request), caller=plugin, actor=request_actor(request)
        )

    providers: dict[str, Callable[..., Any]] = {
        "db": provide_db,
        "context": provide_context,
        "events": events_provider(kernel.registry),
        "services": provide_services,
        "cache": kernel.cache.provide,
        "blobs": kernel.blobs.provide,
        **feature_ports(kernel.database, kernel.registry, kernel.features.toggles),
    }
    return {name: Provide(provide, sync_to_thread=False) for name, provide in providers.items()}
