"""The dependencies every handler may declare: the ports of ``nexus_hookspecs``.

The one place they are listed: a new port is one more entry in :func:`kernel_dependencies`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.di import NamedDependency, Provide

from nexus.db import TenantDatabase
from nexus.events import events_provider
from nexus.features import feature_ports
from nexus.http import (
    KernelContext,  # noqa: TC001 - Litestar reads provider hints at run time
    provide_context,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus.services import Kernel

__all__ = ("kernel_dependencies",)


def kernel_dependencies(kernel: Kernel) -> dict[str, Provide]:
    """``db``, ``context``, ``events``, ``cache``, ``blobs``, ``features``, ``plugin_settings``."""

    def provide_db(context: NamedDependency[KernelContext]) -> TenantDatabase:
        # Bound to the context's tenant. Depending on ``context`` also keeps Litestar from
        # resolving the two concurrently, which costs a task group per request.
        return TenantDatabase(kernel.database, context.tenant_id)

    providers: dict[str, Callable[..., Any]] = {
        "db": provide_db,
        "context": provide_context,
        "events": events_provider(kernel.registry),
        "cache": kernel.cache.provide,
        "blobs": kernel.blobs.provide,
        **feature_ports(kernel.database, kernel.registry, kernel.features.toggles),
    }
    return {name: Provide(provide, sync_to_thread=False) for name, provide in providers.items()}
