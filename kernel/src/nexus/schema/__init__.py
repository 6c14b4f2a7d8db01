"""The database schema at deploy time (``nexus migrate``).

Roles, the kernel's and every loaded plugin's migrations, row-level security on every
tenant-owned table, and the token signing key — one runner at a time. This package joins
the adapter (:mod:`nexus.db`) to what sits above it (the plugin registry, identity), so
the adapter never imports them.
"""

from __future__ import annotations

from nexus.db import MigrationError, MigrationReport
from nexus.schema._migrate import migrate, pending_migrations
from nexus.schema._placed import migrate_placed, migrator

__all__ = (
    "MigrationError",
    "MigrationReport",
    "migrate",
    "migrate_placed",
    "migrator",
    "pending_migrations",
)
