"""The kernel ports the routes ask for, and the permissions and features they check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.di import NamedDependency
from litestar.params import SkipValidation
from nexus_hookspecs import (
    Database,
    EventPublisher,
    Features,
    PluginSettings,
    RequestContext,
)

from nexus_inventory._settings import InventorySettings
from nexus_inventory._setup import ensure_layout

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_inventory._setup import Layout

__all__ = (
    "MOVES_WRITE",
    "PRODUCTS_WRITE",
    "RESERVATIONS_WRITE",
    "RULES_WRITE",
    "WAREHOUSES_WRITE",
    "Context",
    "Db",
    "Events",
    "FeatureFlags",
    "Settings",
    "opt",
    "tenant_layout",
    "tenant_settings",
)

PRODUCTS_WRITE = "inventory.products:write"
WAREHOUSES_WRITE = "inventory.warehouses:write"
MOVES_WRITE = "inventory.moves:write"
RESERVATIONS_WRITE = "inventory.reservations:write"
RULES_WRITE = "inventory.reorder_rules:write"

Db = NamedDependency[SkipValidation[Database]]
Events = NamedDependency[SkipValidation[EventPublisher]]
Context = NamedDependency[SkipValidation[RequestContext]]
Settings = NamedDependency[SkipValidation[PluginSettings]]
FeatureFlags = NamedDependency[SkipValidation[Features]]


def opt(permission: str | None = None, feature: str | None = None) -> dict[str, Any]:
    """A route's ``opt``: the permission it needs and the feature that must be on."""
    values = {}
    if permission:
        values["permission"] = permission
    if feature:
        values["feature"] = f"inventory.{feature}"
    return values


async def tenant_settings(settings: PluginSettings, context: RequestContext) -> InventorySettings:
    """The request tenant's inventory settings."""
    if context.tenant_id is None:  # pragma: no cover - inventory routes act in a tenant
        return InventorySettings()
    found = await settings.get(context.tenant_id)
    return found if isinstance(found, InventorySettings) else InventorySettings()


async def tenant_layout(conn: Connection, settings: InventorySettings) -> Layout:
    """The tenant's default locations, made on first use."""
    return await ensure_layout(conn, settings)
