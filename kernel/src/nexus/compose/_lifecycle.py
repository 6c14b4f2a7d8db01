"""What the app does on start-up and shutdown, in order."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from nexus.db import configure_piccolo
from nexus.identity import load_jwt_keys
from nexus.plugins import piccolo_app_paths

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus.services import Kernel

__all__ = ("on_shutdown", "on_startup")


def on_startup(kernel: Kernel) -> list[Callable[[], Any]]:
    """Open the database first (everything else uses it), then cache, files and events.

    Last, :func:`gc.freeze`: what start-up built (modules, routes, schemas: about 500,000
    objects with every plugin) lives as long as the process, and the collector's full
    passes would otherwise walk it all, 100 ms and more each, a stall every few thousand
    requests (the p99 of bench/README.md). Frozen, they walk what requests leave behind.
    """
    app_paths = piccolo_app_paths(kernel.registry)

    async def open_database() -> None:
        await kernel.database.start()
        configure_piccolo(kernel.database.engine, app_paths)
        async with kernel.database.pool.acquire() as conn:
            kernel.authenticator.jwt = await load_jwt_keys(conn, kernel.settings)
        await kernel.features.start()

    async def start_events() -> None:
        if kernel.event_worker is not None:
            await kernel.event_worker.start()

    return [
        open_database,
        kernel.cache.start,
        kernel.blobs.start,
        kernel.plans.start,
        start_events,
        gc.freeze,
    ]


def on_shutdown(kernel: Kernel) -> list[Callable[[], Any]]:
    """Stop in the reverse order: events first, the database last.

    Last, :func:`gc.unfreeze`: a process that builds apps one after another (tests) lets
    the collector reach what a stopped app left behind.
    """

    async def stop_events() -> None:
        if kernel.event_worker is not None:
            await kernel.event_worker.stop()

    async def close_database() -> None:
        await kernel.provisioning.stop()
        await kernel.features.stop()
        await kernel.database.stop()

    return [
        stop_events,
        kernel.cache.stop,
        kernel.blobs.stop,
        # Before the database closes: the meter writes what it counted.
        kernel.plans.stop,
        close_database,
        kernel.rate_limits.close,
        gc.unfreeze,
    ]
