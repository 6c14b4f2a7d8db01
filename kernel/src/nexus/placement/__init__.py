"""Placement: the directory of database clusters, and dedicated databases for tenants.

Shared tenants live in the home database; a dedicated tenant gets its own database on a
cluster of the directory, created and migrated when it is provisioned. Requests and events
reach it through :class:`nexus.db.PostgresDatabase`'s per-tenant routing.
"""

from __future__ import annotations

from nexus.placement._dedicated import (
    database_exists,
    dedicated_database_name,
    drop_dedicated_database,
    prepare_dedicated_database,
)
from nexus.placement._directory import (
    Cluster,
    ClusterKind,
    PlacementError,
    add_cluster,
    choose_cluster,
    list_clusters,
)

__all__ = (
    "Cluster",
    "ClusterKind",
    "PlacementError",
    "add_cluster",
    "choose_cluster",
    "database_exists",
    "dedicated_database_name",
    "drop_dedicated_database",
    "list_clusters",
    "prepare_dedicated_database",
)
