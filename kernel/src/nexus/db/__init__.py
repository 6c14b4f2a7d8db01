"""Database: the PostgreSQL adapter, the embedded default, row ids and migrations.

An adapter: it knows nothing of plugins, identity or features. What to migrate (the
loaded plugins' Piccolo apps) and what follows (the signing key) come from
:mod:`nexus.schema`.
"""

from __future__ import annotations

from nexus_hookspecs import new_id

from nexus.db._database import Engine, PostgresDatabase, TenantDatabase
from nexus.db._embedded import (
    EmbeddedInUseError,
    EmbeddedStatus,
    embedded_status,
    start_embedded_postgres,
    stop_embedded_postgres,
)
from nexus.db._migrate import (
    OPERATOR_ROLE,
    RELAY_ROLE,
    MigrationError,
    MigrationReport,
    apply_migrations,
    pending_app_migrations,
)
from nexus.db._piccolo import KERNEL_APP, configure_piccolo
from nexus.db._placement import (
    PLACEMENT_CHANNEL,
    Placements,
    notify_placement,
    tenant_database_url,
)
from nexus.db._url import resolve_database_url

__all__ = (
    "KERNEL_APP",
    "OPERATOR_ROLE",
    "RELAY_ROLE",
    "EmbeddedInUseError",
    "EmbeddedStatus",
    "Engine",
    "MigrationError",
    "MigrationReport",
    "PLACEMENT_CHANNEL",
    "Placements",
    "PostgresDatabase",
    "TenantDatabase",
    "apply_migrations",
    "configure_piccolo",
    "embedded_status",
    "new_id",
    "notify_placement",
    "pending_app_migrations",
    "resolve_database_url",
    "start_embedded_postgres",
    "stop_embedded_postgres",
    "tenant_database_url",
)
