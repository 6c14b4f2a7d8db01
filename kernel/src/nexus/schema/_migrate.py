"""``nexus migrate`` over the loaded plugins, and what is still to apply."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from nexus.db import apply_migrations, pending_app_migrations
from nexus.identity import ensure_signing_key
from nexus.plugins import piccolo_app_paths
from nexus.schema._credentials import secure_credentials

if TYPE_CHECKING:
    from nexus.db import MigrationReport
    from nexus.plugins import PluginRegistry
    from nexus.settings import Settings

__all__ = ("migrate", "pending_migrations")


async def migrate(
    settings: Settings, registry: PluginRegistry, *, database_url: str
) -> MigrationReport:
    """Create the roles and apply every pending migration of every loaded plugin.

    Then switch row-level security on for every tenant-owned table, make sure a token
    signing key exists and keep credentials out of the API role's reach (see
    :mod:`nexus.schema._credentials`). Idempotent: a second run applies nothing.
    Concurrent runs against one database wait for each other (a PostgreSQL advisory lock).

    Raises:
        nexus.db.MigrationError: naming the Piccolo app whose migration failed.

    Example::

        report = await migrate(settings, load_plugins(settings), database_url=url)
    """
    return await apply_migrations(
        settings,
        database_url=database_url,
        apps=piccolo_app_paths(registry),
        then=(ensure_signing_key, partial(secure_credentials, api_role=settings.db_api_role)),
    )


async def pending_migrations(
    registry: PluginRegistry, *, database_url: str
) -> dict[str, list[str]]:
    """Return the migration ids not yet applied, per Piccolo app (empty lists included)."""
    return await pending_app_migrations(piccolo_app_paths(registry), database_url=database_url)
