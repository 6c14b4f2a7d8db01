"""The Nexus plugin contract.

A Nexus plugin is a Python distribution with an entry point in the group ``nexus.plugins``
pointing at a module (or object) that implements some of the hooks below with
:data:`hookimpl`. It depends on this package only, never on the kernel's internals; its
routes use the HTTP kit in :mod:`nexus_hookspecs.http` (the ``litestar`` extra).

Example::

    from nexus_hookspecs import Manifest, hookimpl

    @hookimpl
    def nexus_manifest() -> Manifest:
        return Manifest(name="hello", version="1.0.0", title="Hello", hookspecs=">=0.1,<0.2")
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from nexus_hookspecs import _specs as specs
from nexus_hookspecs._context import current_tenant
from nexus_hookspecs._events import CloudEvent, EventType, new_id
from nexus_hookspecs._manifest import Feature, Manifest, Permission, ProfileFact
from nexus_hookspecs._markers import PROJECT_NAME, hookimpl, hookspec
from nexus_hookspecs._periodic import Periodic
from nexus_hookspecs._ports import (
    Background,
    BlobInfo,
    BlobStore,
    BlobTooLargeError,
    Cache,
    Connection,
    Database,
    EventContext,
    EventPublisher,
    Features,
    PluginSettings,
    RequestContext,
    ServiceContext,
    Services,
    Tools,
)
from nexus_hookspecs._types import (
    EventHandler,
    Prompt,
    PurgeReport,
    Resource,
    ResourceItem,
    Service,
    ServiceHandler,
    TenantRef,
    Tool,
    ToolAnswer,
    ToolSpec,
)
from nexus_hookspecs._ui import (
    UiAction,
    UiCalendar,
    UiCard,
    UiEditor,
    UiKanban,
    UiLane,
    UiLines,
    UiResource,
    UiSection,
)

try:
    __version__ = version("nexus-hookspecs")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

ENTRY_POINT_GROUP = "nexus.plugins"
"""The entry point group plugins register in."""

__all__ = (
    "ENTRY_POINT_GROUP",
    "PROJECT_NAME",
    "Background",
    "BlobInfo",
    "BlobStore",
    "BlobTooLargeError",
    "Cache",
    "CloudEvent",
    "Connection",
    "Database",
    "EventContext",
    "EventHandler",
    "EventPublisher",
    "EventType",
    "Feature",
    "Features",
    "Manifest",
    "Periodic",
    "Permission",
    "ProfileFact",
    "PluginSettings",
    "Prompt",
    "PurgeReport",
    "RequestContext",
    "Resource",
    "ResourceItem",
    "Service",
    "ServiceContext",
    "ServiceHandler",
    "Services",
    "TenantRef",
    "Tool",
    "ToolAnswer",
    "ToolSpec",
    "Tools",
    "UiAction",
    "UiCalendar",
    "UiCard",
    "UiEditor",
    "UiKanban",
    "UiLane",
    "UiLines",
    "UiResource",
    "UiSection",
    "__version__",
    "current_tenant",
    "hookimpl",
    "hookspec",
    "new_id",
    "specs",
)
