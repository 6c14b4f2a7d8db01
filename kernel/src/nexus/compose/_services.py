"""Build the kernel's services from settings, the loaded plugins and the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.blobs import BlobRuntime
from nexus.cache import CacheRuntime
from nexus.compose._calls import ServiceCalls
from nexus.compose._worker import EventRuntime
from nexus.db import PostgresDatabase, resolve_database_url
from nexus.features import FeatureRuntime
from nexus.http import RateLimits
from nexus.identity import Authenticator, Throttle
from nexus.plans import PlanRuntime, load_plans_from
from nexus.provisioning import Provisioner, ProvisioningService
from nexus.schema import migrator
from nexus.services import Kernel

if TYPE_CHECKING:
    from nexus.plugins import PluginRegistry
    from nexus.settings import Settings

__all__ = ("build_kernel", "connect_database")


def connect_database(settings: Settings) -> PostgresDatabase:
    """The API role's pool (starting the embedded PostgreSQL when no URL is set)."""
    return PostgresDatabase(
        resolve_database_url(settings),
        role=settings.db_api_role,
        statement_timeout_ms=settings.statement_timeout_ms,
        pool_min=settings.db_pool_min,
        pool_max=settings.db_pool_max,
        placed=True,
    )


def build_kernel(
    settings: Settings, *, registry: PluginRegistry, database: PostgresDatabase
) -> Kernel:
    """Build every service once; nothing connects until the app starts (see ``lifecycle``)."""
    plan_paths = [p.strip() for p in (settings.plans_path or "").split(",") if p.strip()]
    plans = PlanRuntime(
        database,
        flush_s=settings.usage_flush_s,
        catalog=load_plans_from(plan_paths) if plan_paths else None,
    )
    features = FeatureRuntime(
        settings=settings, registry=registry, database=database, plans=plans.gate
    )
    provisioning = ProvisioningService(
        Provisioner(
            database=database,
            registry=registry,
            presets=features.presets,
            migrate_database=migrator(settings, registry),
        ),
        on_done=lambda tenant_id: features.toggles.changed(str(tenant_id)),
    )
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
            blobs=blobs,
        )
        if settings.event_worker
        else None
    )
    rate_limits = RateLimits(
        tenant=settings.rate_limit_tenant,
        key=settings.rate_limit_key,
        redis_url=settings.redis_url,
    )
    # Failed sign-ins and invalid credentials are counted with the rate limits' counters.
    throttle = Throttle(
        rate_limits,
        per_account=settings.signin_failures_per_account,
        per_address=settings.signin_failures_per_address,
        lockout_s=settings.signin_lockout_s,
        invalid_per_address=settings.invalid_credentials_per_address,
        resets_per_account=settings.password_resets_per_account,
        resets_per_address=settings.password_resets_per_address,
    )
    return Kernel(
        settings=settings,
        registry=registry,
        database=database,
        authenticator=Authenticator(database, ttl_s=settings.auth_cache_ttl_s, throttle=throttle),
        features=features,
        provisioning=provisioning,
        cache=CacheRuntime(settings, database),
        blobs=blobs,
        rate_limits=rate_limits,
        plans=plans,
        event_worker=event_worker,
        services=ServiceCalls(registry, features.toggles),
    )
