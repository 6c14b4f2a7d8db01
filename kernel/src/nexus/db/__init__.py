"""Database: the PostgreSQL adapter, the embedded default and migrations."""

from __future__ import annotations

from nexus.db._database import PostgresDatabase, TenantDatabase
from nexus.db._embedded import start_embedded_postgres
from nexus.db._migrate import MigrationError, MigrationReport, migrate, pending_migrations
from nexus.db._piccolo import configure_piccolo, piccolo_app_paths
from nexus.db._url import resolve_database_url

__all__ = (
    "MigrationError",
    "MigrationReport",
    "PostgresDatabase",
    "TenantDatabase",
    "configure_piccolo",
    "migrate",
    "pending_migrations",
    "piccolo_app_paths",
    "resolve_database_url",
    "start_embedded_postgres",
)
