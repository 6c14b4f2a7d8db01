"""Tenants, users and keys for tests, made through the kernel's own store functions."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

import asyncpg
import msgspec
import uuid_utils

from nexus.db import OPERATOR_ROLE
from nexus.features import CHANNEL, keep_settings, validate_settings
from nexus.identity import (
    ApiKeyCreate,
    UserCreate,
    create_api_key,
    create_platform_key,
    create_user,
)
from nexus.settings import Settings
from nexus.tenancy import TenantStatus, create_tenant
from nexus.testing._client import run_sync
from nexus.testing._plugin_types import heard_everywhere, settings_type

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus_hookspecs import Connection

__all__ = (
    "TestTenant",
    "make_platform_key",
    "make_tenant",
    "set_plugin_settings",
    "tenant_transaction",
)


class TestTenant(msgspec.Struct, frozen=True, kw_only=True):
    """A tenant made for a test, with an API key of the role asked for.

    Attributes:
        id: The tenant id.
        slug: The tenant slug.
        key: The API key (``Authorization: Bearer <key>``).
        headers: Ready-made request headers carrying the key.
    """

    __test__ = False  # not a test class, whatever pytest thinks of the name

    id: UUID
    slug: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        """``{"Authorization": "Bearer <key>"}``."""
        return {"Authorization": f"Bearer {self.key}"}


async def _connect(
    database_url: str, settings: Settings, *, role: str | None = None
) -> asyncpg.Connection:
    return await asyncpg.connect(
        database_url, server_settings={"role": role or settings.db_api_role}
    )


@asynccontextmanager
async def tenant_transaction(
    database_url: str, tenant: TestTenant, *, settings: Settings | None = None
) -> AsyncIterator[Connection]:
    """A transaction as the kernel gives one to plugin hooks: API role, the tenant set.

    The connection runs as the API role (no table owned, no BYPASSRLS) with
    ``nexus.tenant_id`` set for the transaction, so row-level security applies exactly as
    in a request. The transaction commits when the block ends, and rolls back on an error.

    Args:
        database_url: The test database (migrations must have run).
        tenant: The tenant whose rows the transaction sees.
        settings: Kernel settings naming the API role; the defaults when ``None``.

    Yields:
        The connection, inside its transaction.

    Example::

        async def enable() -> None:
            async with tenant_transaction(url, tenant) as conn:
                await nexus_bookings.nexus_tenant_enable(tenant=ref, settings=s, conn=conn)

        run_sync(enable())
    """
    conn = await _connect(database_url, settings or Settings())
    try:
        async with conn.transaction():
            await conn.execute("select set_config('nexus.tenant_id', $1, true)", str(tenant.id))
            # Typed as the hooks' port: asyncpg's records are mappings at run time.
            yield cast("Connection", conn)
    finally:
        await conn.close()


def make_tenant(
    database_url: str,
    *,
    slug: str | None = None,
    role: str = "tenant_admin",
    scopes: tuple[str, ...] = ("*",),
    status: TenantStatus = TenantStatus.ACTIVE,
    users: tuple[dict[str, Any], ...] = (),
    settings: Settings | None = None,
) -> TestTenant:
    """Create a tenant (migrations must have run) with one API key of ``role``.

    ``users`` are created too, each a ``UserCreate``-shaped dict.
    """
    settings = settings or Settings()
    slug = slug or f"t-{uuid_utils.uuid7().hex[-10:]}"

    async def make() -> TestTenant:
        conn = await _connect(database_url, settings)
        try:
            async with conn.transaction():
                tenant = await create_tenant(conn, slug=slug, name=slug.title(), status=status)
                await conn.execute("select set_config('nexus.tenant_id', $1, true)", str(tenant.id))
                created = await create_api_key(
                    conn,
                    tenant.id,
                    ApiKeyCreate(name="test", roles=[role], scopes=list(scopes)),
                )
                for user in users:
                    await create_user(conn, tenant.id, msgspec.convert(user, UserCreate))
        finally:
            await conn.close()
        return TestTenant(id=tenant.id, slug=tenant.slug, key=created.key)

    return run_sync(make())


def set_plugin_settings(
    database_url: str,
    tenant: TestTenant,
    plugin: str,
    values: dict[str, Any],
    *,
    settings: Settings | None = None,
) -> None:
    """Keep ``values`` as the tenant's settings for ``plugin``, as a preset would.

    The values are checked against the plugin's settings type as the settings API checks
    them (fields left out take their defaults). If the plugin has not been enabled for the
    tenant yet, they are what its first enablement (before its first request) hands the
    enable hook; if it has, they replace its settings. It returns once every running test
    app of the database has heard of the change, so the next request reads them.

    Raises:
        ValueError: naming each field the settings type refuses, and each unknown field.

    Example::

        set_plugin_settings(nexus_database_url, tenant, "bookings", {"max_items": 1})
    """
    settings = settings or Settings()
    schema = settings_type(plugin)
    kept = validate_settings(schema, values, plugin=plugin) if schema is not None else values

    wait = heard_everywhere(database_url, tenant.id)

    async def keep() -> None:
        async with tenant_transaction(database_url, tenant, settings=settings) as conn:
            await keep_settings(conn, tenant_id=tenant.id, plugin=plugin, settings=kept)
            await conn.execute("select pg_notify($1, $2)", CHANNEL, str(tenant.id))
        if settings.redis_url:
            from redis.asyncio import Redis  # noqa: PLC0415 - only when configured

            redis = Redis.from_url(settings.redis_url)
            try:
                await redis.publish(CHANNEL, str(tenant.id))
            finally:
                await redis.aclose()

    run_sync(keep())
    wait()


def make_platform_key(database_url: str, *, settings: Settings | None = None) -> str:
    """Create a platform admin key (migrations must have run) and return it."""
    settings = settings or Settings()

    async def make() -> str:
        # Platform keys are out of the API role's reach, as `nexus admin` makes them.
        conn = await _connect(database_url, settings, role=OPERATOR_ROLE)
        try:
            return await create_platform_key(conn, "test")
        finally:
            await conn.close()

    return run_sync(make())
