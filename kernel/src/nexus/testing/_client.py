"""``create_test_client``: a kernel with only the plugins a test names."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import TYPE_CHECKING, Any, TypeVar

from litestar.testing import TestClient

from nexus.app import create_app
from nexus.plugins import PluginRegistry, load_plugins
from nexus.schema import migrate
from nexus.settings import Settings
from nexus.testing._plugin_types import remember_app
from nexus.testing._schema import needs_migrations

if TYPE_CHECKING:
    from collections.abc import Coroutine, Sequence

__all__ = ("create_test_client", "run_sync")

T = TypeVar("T")


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion, also from inside a running event loop (in a thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def create_test_client(
    plugins: Sequence[object] = (),
    *,
    database_url: str,
    settings: Settings | None = None,
    run_migrations: bool = True,
    raise_server_exceptions: bool = False,
) -> TestClient[Any]:
    """Build a kernel app with only ``plugins`` and return a Litestar test client for it.

    Migrations of those plugins are applied first (unless ``run_migrations`` is false, or
    the database is a :func:`migrated_database` made for the same plugins, which holds
    them already). Use the client as a context manager so start-up and shut-down hooks run.

    Args:
        plugins: Plugin objects (usually modules) to register; nothing else is loaded.
        database_url: The test database: an empty one (the ``nexus_database_url``
            fixture), or a :func:`migrated_database`, which saves running migrations.
        settings: Kernel settings; quiet defaults when ``None``.
        run_migrations: Apply the plugins' migrations before building the app.
        raise_server_exceptions: Re-raise handler exceptions instead of answering 500.

    Example::

        def test_hello(nexus_database_url):
            with create_test_client([hello], database_url=nexus_database_url) as client:
                assert client.get("/api/v1/hello/").status_code == 200
    """
    settings = (settings or Settings(log_level="warning")).replace(database_url=database_url)
    registry: PluginRegistry = load_plugins(settings, plugins=list(plugins))
    if run_migrations and needs_migrations(settings, registry, database_url):
        run_sync(migrate(settings, registry, database_url=database_url))
    app = create_app(settings, registry=registry)
    remember_app(app)
    return TestClient(app, raise_server_exceptions=raise_server_exceptions)
