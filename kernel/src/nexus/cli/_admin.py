"""``nexus admin`` and ``nexus tenants``: platform keys and tenants from the command line."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import asyncpg
import rich_click as click
from rich.console import Console
from rich.table import Table

from nexus.blobs import BlobRuntime
from nexus.cache import CacheRuntime
from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.cli._provision import open_provisioner
from nexus.db import OPERATOR_ROLE, resolve_database_url
from nexus.identity import ApiKeyCreate, create_api_key, create_platform_key
from nexus.provisioning import Deprovisioned, RunView, deprovision, get_run
from nexus.tenancy import Tenant, TenantStatus, create_tenant, get_tenant, list_tenants

if TYPE_CHECKING:
    from nexus.settings import Settings

__all__ = ("admin", "tenants")


async def _connect(settings: Settings, *, role: str | None = None) -> asyncpg.Connection:
    """Connect as the API role, or as ``role`` (the operator role, for platform keys)."""
    url = resolve_database_url(settings)
    try:
        conn = await asyncpg.connect(url, server_settings={"role": role or settings.db_api_role})
    except asyncpg.InvalidParameterValueError:
        fail("the database has no Nexus roles yet: run `nexus migrate` first")
        raise
    if await conn.fetchval("select to_regclass('nexus_tenant')") is None:
        await conn.close()
        fail("the database has no Nexus tables yet: run `nexus migrate` first")
    return conn


@click.group()
def admin() -> None:
    """Platform administration."""


@admin.command("create-platform-admin")
@click.option("--name", default="platform admin", show_default=True, help="A label for the key.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def create_platform_admin(name: str, as_json: bool) -> None:
    """Create a platform admin API key and print it once."""

    async def run() -> str:
        # The API role cannot touch platform keys; the operator role can.
        conn = await _connect(load_settings(), role=OPERATOR_ROLE)
        try:
            return await create_platform_key(conn, name)
        finally:
            await conn.close()

    key = asyncio.run(run())
    if as_json:
        echo_json({"key": key})
    else:
        click.echo(key)
        click.echo("This key is shown once: store it now.", err=True)


@click.group()
def tenants() -> None:
    """Tenants."""


@tenants.command("create")
@click.argument("slug")
@click.option("--name", default=None, help="Display name (default: from the slug).")
@click.option("--plan", default="standard", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def create(slug: str, name: str | None, plan: str, as_json: bool) -> None:
    """Create an active tenant with a tenant-admin API key (printed once)."""

    async def run() -> dict[str, Any]:
        conn = await _connect(load_settings())
        try:
            async with conn.transaction():
                tenant = await create_tenant(
                    conn,
                    slug=slug,
                    name=name or slug.replace("-", " ").title(),
                    plan=plan,
                    status=TenantStatus.ACTIVE,
                )
                await conn.execute("select set_config('nexus.tenant_id', $1, true)", str(tenant.id))
                created = await create_api_key(
                    conn, tenant.id, ApiKeyCreate(name="admin", roles=["tenant_admin"])
                )
        except asyncpg.UniqueViolationError:
            fail(f"a tenant with slug '{slug}' exists")
        except asyncpg.CheckViolationError:
            fail(f"invalid slug '{slug}': lower case letters, digits and '-', 2 to 63 long")
        finally:
            await conn.close()
        return {"id": str(tenant.id), "slug": tenant.slug, "admin_key": created.key}

    result = asyncio.run(run())
    if as_json:
        echo_json(result)
        return
    click.echo(f"tenant {result['slug']} ({result['id']}) is active")
    click.echo(f"admin API key (shown once): {result['admin_key']}")


@tenants.command("list")
@click.option(
    "--status", type=click.Choice([s.value for s in TenantStatus]), default=None, help="Filter."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def list_command(status: str | None, as_json: bool) -> None:
    """List tenants, oldest first."""

    async def run() -> list[Tenant]:
        conn = await _connect(load_settings())
        try:
            found: list[Tenant] = []
            while True:
                page = await list_tenants(
                    conn,
                    after=found[-1].id if found else None,
                    limit=500,
                    status=TenantStatus(status) if status else None,
                )
                found += page
                if len(page) < 500:
                    return found
        finally:
            await conn.close()

    found = asyncio.run(run())
    if as_json:
        echo_json(found)
        return
    table = Table("slug", "id", "name", "plan", "status", "created")
    for tenant in found:
        table.add_row(
            tenant.slug,
            str(tenant.id),
            tenant.name,
            tenant.plan,
            tenant.status.value,
            tenant.created_at.isoformat(timespec="seconds"),
        )
    Console().print(table)


@tenants.command("show")
@click.argument("tenant")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def show(tenant: str, as_json: bool) -> None:
    """Show a tenant (by slug or id) with its last provisioning run."""

    async def run() -> tuple[Tenant | None, RunView | None]:
        conn = await _connect(load_settings())
        try:
            found = await _find_tenant(conn, tenant)
            slug = found.slug if found else tenant
            run_id = await conn.fetchval(
                "select id from nexus_provisioning_run where slug = $1 "
                "order by created_at desc limit 1",
                slug,
            )
            return found, (await get_run(conn, run_id) if run_id else None)
        finally:
            await conn.close()

    found, last_run = asyncio.run(run())
    if found is None and last_run is None:
        fail(f"no tenant '{tenant}'")
    if as_json:
        echo_json({"tenant": found, "provisioning": last_run})
        return
    if found is not None:
        click.echo(f"tenant {found.slug} ({found.id}): {found.status.value}")
        click.echo(f"  name: {found.name}  plan: {found.plan}  placement: {found.placement}")
    if last_run is not None:
        click.echo(f"  provisioning run {last_run.id}: {last_run.status.value}")
        for step in last_run.steps:
            error = f" — {step.error}" if step.error else ""
            click.echo(f"    {step.position}. {step.name}: {step.status.value}{error}")


@tenants.command("deprovision")
@click.argument("tenant")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def deprovision_command(tenant: str, yes: bool, as_json: bool) -> None:
    """Delete a tenant (by slug or id) and every row, run and resource it has."""
    if not yes:
        click.confirm(f"Delete tenant '{tenant}' and all its data?", abort=True)

    async def run() -> Deprovisioned:
        settings = load_settings()
        async with open_provisioner(settings) as provisioner:
            blobs, cache = BlobRuntime(settings), CacheRuntime(settings, provisioner.database)
            await blobs.start()
            try:
                return await deprovision(
                    provisioner.database, provisioner.registry, tenant, blobs=blobs, cache=cache
                )
            finally:
                await cache.stop()
                await blobs.stop()

    try:
        result = asyncio.run(run())
    except LookupError as exc:
        fail(str(exc).strip("'\""))
        raise
    if as_json:
        echo_json(result)
        return
    rows = sum(result.rows.values())
    click.echo(
        f"tenant {result.slug} deprovisioned: {rows} row(s), {result.files} file(s), "
        f"{result.runs} run(s) deleted"
    )


@tenants.command("create-key")
@click.argument("tenant")
@click.option("--name", default="admin", show_default=True, help="A label for the key.")
@click.option(
    "--role",
    type=click.Choice(["tenant_admin", "member"]),
    default="tenant_admin",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def create_key(tenant: str, name: str, role: str, as_json: bool) -> None:
    """Create an API key for a tenant (by slug or id) and print it once."""

    async def run() -> str | None:
        conn = await _connect(load_settings())
        try:
            found = await _find_tenant(conn, tenant)
            if found is None:
                return None
            async with conn.transaction():
                await conn.execute("select set_config('nexus.tenant_id', $1, true)", str(found.id))
                created = await create_api_key(
                    conn, found.id, ApiKeyCreate(name=name, roles=[role])
                )
            return created.key
        finally:
            await conn.close()

    key = asyncio.run(run())
    if key is None:
        fail(f"no tenant '{tenant}'")
    if as_json:
        echo_json({"key": key})
    else:
        click.echo(key)
        click.echo("This key is shown once: store it now.", err=True)


async def _find_tenant(conn: asyncpg.Connection, tenant: str) -> Tenant | None:
    tenant_id = await conn.fetchval(
        "select id from nexus_tenant where slug = $1 or id::text = $1", tenant
    )
    return await get_tenant(conn, tenant_id) if tenant_id else None
