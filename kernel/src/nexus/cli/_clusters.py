"""``nexus clusters``: the directory of database clusters dedicated tenants are placed on."""

from __future__ import annotations

import asyncio

import asyncpg
import msgspec
import rich_click as click

from nexus.cli._admin import _connect
from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.placement import Cluster, ClusterKind, add_cluster, list_clusters

__all__ = ("clusters",)

# What the cluster's login role must be able to do: create a tenant's database.
_MAY_CREATE = "select rolsuper or rolcreatedb from pg_roles where rolname = current_user"


@click.group()
def clusters() -> None:
    """The directory of database clusters (placement: dedicated)."""


@clusters.command("add")
@click.argument("name")
@click.argument("url")
@click.option(
    "--kind",
    type=click.Choice([kind.value for kind in ClusterKind]),
    default=ClusterKind.DEDICATED.value,
    show_default=True,
    help="dedicated: a database per tenant; pooled: many shared tenants in one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def add_command(name: str, url: str, kind: str, as_json: bool) -> None:
    """Record the cluster NAME at URL (or change its URL), once it answers.

    URL logs in as a role that may create databases (the tenants' own ones).
    """
    asyncio.run(_check(url))

    async def run() -> Cluster:
        conn = await _connect(load_settings())
        try:
            return await add_cluster(conn, name=name, url=url, kind=ClusterKind(kind))
        except asyncpg.CheckViolationError:
            fail(f"'{name}' is not a cluster name (a-z, 0-9, '-', at most 63)")
            raise
        finally:
            await conn.close()

    cluster = asyncio.run(run())
    if as_json:
        echo_json(msgspec.to_builtins(cluster))
        return
    click.echo(f"ok: cluster {cluster.name} ({cluster.kind}) at {cluster.url}")


@clusters.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def list_command(as_json: bool) -> None:
    """Every cluster of the directory."""

    async def run() -> list[Cluster]:
        conn = await _connect(load_settings())
        try:
            return await list_clusters(conn)
        finally:
            await conn.close()

    found = asyncio.run(run())
    if as_json:
        echo_json(msgspec.to_builtins(found))
        return
    for cluster in found:
        click.echo(f"{cluster.name}  {cluster.kind}  {cluster.url}")


async def _check(url: str) -> None:
    """Fail in one line unless ``url`` answers as a role that may create databases."""
    try:
        conn = await asyncpg.connect(url, timeout=10)
    except (OSError, asyncpg.PostgresError, ValueError) as exc:
        fail(f"the cluster at {url} does not answer: {exc}")
        raise
    try:
        if not await conn.fetchval(_MAY_CREATE):
            fail(f"the cluster's login role at {url} may not create databases")
    finally:
        await conn.close()
