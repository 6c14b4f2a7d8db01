"""``nexus admin`` and ``nexus tenants``: platform keys and tenants from the command line."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import asyncpg
import rich_click as click

from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.db import resolve_database_url
from nexus.identity import ApiKeyCreate, create_api_key, create_platform_key
from nexus.tenancy import TenantStatus, create_tenant

if TYPE_CHECKING:
    from nexus.settings import Settings

__all__ = ("admin", "tenants")


async def _connect(settings: Settings) -> asyncpg.Connection:
    url = resolve_database_url(settings)
    try:
        conn = await asyncpg.connect(url, server_settings={"role": settings.db_api_role})
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
        conn = await _connect(load_settings())
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
