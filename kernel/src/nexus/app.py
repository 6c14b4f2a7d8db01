"""The app factory: settings + plugins → a Litestar application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.di import NamedDependency, Provide
from litestar.openapi import OpenAPIConfig

from nexus.blobs import BlobRuntime, blob_routes
from nexus.cache import CacheRuntime
from nexus.console import console_router
from nexus.db import (
    PostgresDatabase,
    TenantDatabase,
    configure_piccolo,
    resolve_database_url,
)
from nexus.events import EventRuntime, event_routes, events_provider
from nexus.features import FeatureRuntime, feature_ports, feature_routes, preset_routes
from nexus.http import (
    IdempotencyMiddleware,
    KernelContext,  # noqa: TC001 - Litestar reads provider hints at run time
    RateLimitMiddleware,
    RateLimits,
    correct_allow_header,
    document_conventions,
    exception_handlers,
    health_routes,
    problem_routes,
    provide_context,
    security_components,
)
from nexus.http import request_id_middleware as _request_ids
from nexus.identity import Authenticator, AuthGate, identity_routes, load_jwt_keys
from nexus.observability import RequestMetrics, configure_logging, metrics_route
from nexus.plugins import NexusBridge, PluginRegistry, load_plugins, piccolo_app_paths
from nexus.provisioning import Provisioner, ProvisioningService, provisioning_routes
from nexus.settings import Settings
from nexus.tenancy import TenantController
from nexus.version import __version__

if TYPE_CHECKING:
    from nexus.db._database import PostgresDatabase as _Database

__all__ = ("create_app",)


def create_app(
    settings: Settings | None = None,
    *,
    registry: PluginRegistry | None = None,
    database: _Database | None = None,
) -> Litestar:
    """Build the Nexus application.

    Args:
        settings: Kernel settings; read from ``NEXUS_*`` when ``None``.
        registry: Loaded plugins; discovered from entry points when ``None``.
        database: The database adapter; built from ``settings`` (starting the embedded
            PostgreSQL when no URL is set) when ``None``.

    Returns:
        A Litestar app serving the kernel routes and every loaded plugin's routes.

    Example::

        uvicorn --factory nexus:create_app
    """
    settings = settings or Settings.from_env()
    configure_logging(settings)
    registry = registry or load_plugins(settings)
    database = database or PostgresDatabase(
        resolve_database_url(settings),
        role=settings.db_api_role,
        statement_timeout_ms=settings.statement_timeout_ms,
        pool_min=settings.db_pool_min,
        pool_max=settings.db_pool_max,
    )
    app_paths = piccolo_app_paths(registry)
    authenticator = Authenticator(database, ttl_s=settings.auth_cache_ttl_s)
    features = FeatureRuntime(settings=settings, registry=registry, database=database)
    rate_limits = RateLimits(
        tenant=settings.rate_limit_tenant,
        key=settings.rate_limit_key,
        redis_url=settings.redis_url,
    )

    async def open_database(app: Litestar) -> None:
        await database.start()
        configure_piccolo(database.engine, app_paths)
        async with database.pool.acquire() as conn:
            authenticator.jwt = await load_jwt_keys(conn, settings)
        await features.start()

    def provide_db(context: NamedDependency[KernelContext]) -> TenantDatabase:
        # Bound to the context's tenant. Depending on ``context`` also keeps Litestar from
        # resolving the two concurrently, which costs a task group per request.
        return TenantDatabase(database, context.tenant_id)

    provisioning = ProvisioningService(
        Provisioner(database=database, registry=registry, presets=features.presets),
        on_done=lambda tenant_id: features.toggles.changed(str(tenant_id)),
    )

    async def close_database(app: Litestar) -> None:
        await provisioning.stop()
        await features.stop()
        await database.stop()

    cache = CacheRuntime(settings, database)
    blobs = BlobRuntime(settings)
    # The event worker in this process (``nexus up``): it shares the app's database, since
    # Piccolo has one engine per process, and its toggles.
    event_worker = (
        EventRuntime(
            settings,
            registry,
            database_url=database.url,
            database=database,
            toggles=features.toggles,
        )
        if settings.event_worker
        else None
    )

    async def start_events(app: Litestar) -> None:
        if event_worker is not None:
            await event_worker.start()

    async def stop_events(app: Litestar) -> None:
        if event_worker is not None:
            await event_worker.stop()

    app = Litestar(
        route_handlers=[
            *health_routes,
            *problem_routes,
            metrics_route,
            *identity_routes,
            # One router: tenancy (GET) and provisioning (POST) share /api/v1/tenants.
            Router(path="/", route_handlers=[TenantController, *provisioning_routes]),
            *feature_routes,
            *preset_routes,
            *event_routes,
            *blob_routes,
            console_router,
        ],
        plugins=[NexusBridge(registry)],
        # Route middleware, outermost first: limits and idempotency need the principal.
        middleware=[
            AuthGate(authenticator, _member_permissions(registry), features.toggles),
            RateLimitMiddleware(rate_limits),
            IdempotencyMiddleware(
                database,
                ttl_s=settings.idempotency_ttl_s,
                lease_s=settings.idempotency_lease_s,
                max_response_bytes=settings.max_body_bytes,
            ),
        ],
        dependencies={
            "db": Provide(provide_db, sync_to_thread=False),
            "context": Provide(provide_context, sync_to_thread=False),
            "events": Provide(events_provider(registry), sync_to_thread=False),
            "cache": Provide(cache.provide, sync_to_thread=False),
            "blobs": Provide(blobs.provide, sync_to_thread=False),
            **{
                name: Provide(provide, sync_to_thread=False)
                for name, provide in feature_ports(database, registry, features.toggles).items()
            },
        },
        exception_handlers=exception_handlers,
        on_startup=[open_database, cache.start, blobs.start, start_events],
        on_shutdown=[stop_events, cache.stop, blobs.stop, close_database, rate_limits.close],
        openapi_config=OpenAPIConfig(
            title="Nexus",
            version=__version__,
            description="The Nexus REST API: kernel routes and every loaded plugin's routes.",
            path="/schema",
            components=security_components(),
        ),
        cors_config=CORSConfig(allow_origins=list(settings.cors_origins))
        if settings.cors_origins
        else None,
        logging_config=None,
        request_max_body_size=settings.max_body_bytes,
    )
    # Outermost, around Litestar's own exception handling, so unknown routes (404, 405)
    # get a request id too: route middleware only wraps matched routes.
    app.asgi_handler = _request_ids(access_log=settings.access_log, metrics=RequestMetrics())(
        correct_allow_header(app, app.asgi_handler)
    )
    document_conventions(app)
    app.state.nexus_settings = settings
    app.state.nexus_registry = registry
    app.state.nexus_database = database
    app.state.nexus_authenticator = authenticator
    app.state.nexus_features = features.service
    app.state.nexus_presets = features.presets
    app.state.nexus_provisioning = provisioning
    app.state.nexus_cache = cache
    app.state.nexus_blobs = blobs
    app.state.nexus_event_worker = event_worker
    return app


def _member_permissions(registry: PluginRegistry) -> frozenset[str]:
    """Permissions the loaded plugins grant to every member of a tenant."""
    return frozenset(
        permission.key
        for record in registry.loaded
        if record.manifest
        for permission in record.manifest.permissions
        if "member" in permission.roles
    )
