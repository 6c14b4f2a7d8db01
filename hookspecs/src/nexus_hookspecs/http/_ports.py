"""One parameter alias per kernel port: a handler asks for a port by name and type.

The kernel injects its adapters into route handlers by parameter name. The ports are
runtime-checkable Protocols, and validating an injected one would be an ``isinstance`` check
against the Protocol on every request (about 10 µs per port on Python 3.11) of an object the
kernel itself made, so each alias tells Litestar to skip it; static types are unchanged.
"""

from __future__ import annotations

from typing import TypeAlias, TypeVar

from litestar.di import NamedDependency
from litestar.params import SkipValidation

from nexus_hookspecs._ports import (
    BlobStore,
    Cache,
    Database,
    EventPublisher,
    Features,
    PluginSettings,
    RequestContext,
)
from nexus_hookspecs._ports import Services as ServicesPort
from nexus_hookspecs._ports import Tools as ToolsPort

__all__ = (
    "Context",
    "Db",
    "Events",
    "FeatureFlags",
    "Services",
    "SettingsPort",
    "TenantBlobs",
    "TenantCache",
    "TenantSettings",
    "Tools",
)

S = TypeVar("S")

Db: TypeAlias = NamedDependency[SkipValidation[Database]]
"""``db``: transactions with row-level security set to the request's tenant."""

Events: TypeAlias = NamedDependency[SkipValidation[EventPublisher]]
"""``events``: publish the plugin's declared events into the outbox of a transaction."""

Services: TypeAlias = NamedDependency[SkipValidation[ServicesPort]]
"""``services``: call other plugins' services in a transaction of the request's tenant."""

Tools: TypeAlias = NamedDependency[SkipValidation[ToolsPort]]
"""``tools``: the assistant tools the request's caller may list and call (0.1.5)."""

Context: TypeAlias = NamedDependency[SkipValidation[RequestContext]]
"""``context``: request id, tenant, actor and plugin of the request."""

FeatureFlags: TypeAlias = NamedDependency[SkipValidation[Features]]
"""``features``: whether a plugin or feature is on for the request's tenant."""

TenantCache: TypeAlias = NamedDependency[SkipValidation[Cache]]
"""``cache``: the tenant's cache namespace."""

TenantBlobs: TypeAlias = NamedDependency[SkipValidation[BlobStore]]
"""``blobs``: the tenant's files."""

TenantSettings: TypeAlias = NamedDependency[SkipValidation[S]]
"""``settings``: the request tenant's settings of the route's plugin, as its settings Struct.

Held in memory by every process and pushed on change like feature toggles, so reading it
costs no query: ``settings: TenantSettings[CrmSettings]``.
"""

SettingsPort: TypeAlias = NamedDependency[SkipValidation[PluginSettings]]
"""``plugin_settings``: any tenant's settings of the plugin (prefer ``settings``)."""
