"""The directory of database clusters (``nexus_cluster``) in the home database."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    import asyncpg

__all__ = (
    "Cluster",
    "ClusterKind",
    "PlacementError",
    "add_cluster",
    "choose_cluster",
    "list_clusters",
)


class PlacementError(Exception):
    """A tenant cannot be placed as asked (unknown cluster, none of the right kind)."""


class ClusterKind(enum.StrEnum):
    """What a cluster holds."""

    POOLED = "pooled"  # many shared tenants in the database its URL names
    DEDICATED = "dedicated"  # a database of its own for each tenant placed on it


class Cluster(msgspec.Struct, frozen=True, kw_only=True):
    """A PostgreSQL server of the directory."""

    name: str
    url: str
    kind: ClusterKind
    created_at: datetime


async def add_cluster(
    conn: asyncpg.Connection, *, name: str, url: str, kind: ClusterKind
) -> Cluster:
    """Record a cluster, or change the URL and kind of the one named ``name``."""
    row = await conn.fetchrow(
        "insert into nexus_cluster (name, url, kind) values ($1, $2, $3) "
        "on conflict (name) do update set url = excluded.url, kind = excluded.kind "
        "returning name, url, kind, created_at",
        name,
        url,
        kind.value,
    )
    assert row is not None  # an upsert with returning answers a row
    return msgspec.convert(dict(row), Cluster)


async def list_clusters(conn: asyncpg.Connection) -> list[Cluster]:
    """Every cluster of the directory, by name."""
    rows = await conn.fetch("select name, url, kind, created_at from nexus_cluster order by name")
    return [msgspec.convert(dict(row), Cluster) for row in rows]


async def choose_cluster(conn: asyncpg.Connection, name: str | None) -> Cluster:
    """The dedicated cluster named ``name``, or, without a name, the one holding fewest tenants.

    Raises:
        PlacementError: no such cluster, or it is not a dedicated one, or there is none.
    """
    row = await conn.fetchrow(
        "select c.name, c.url, c.kind, c.created_at from nexus_cluster c "
        "where c.kind = 'dedicated' and ($1::text is null or c.name = $1) "
        "order by (select count(*) from nexus_tenant t where t.cluster = c.name), c.name limit 1",
        name,
    )
    if row is None:
        wanted = f"dedicated cluster '{name}'" if name else "a dedicated cluster"
        raise PlacementError(f"the directory has no {wanted} (nexus clusters add)")
    return msgspec.convert(dict(row), Cluster)
