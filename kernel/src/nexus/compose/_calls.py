"""The ``services`` port: one plugin calls another's operation inside its own transaction.

Composition, not a package of its own: a call consults the registry (who offers what), the
feature toggles (is the provider on for the tenant; its first enablement) and the settings
reader, and gives the provider the events port — so the piece that joins them sits here,
above them all.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import msgspec
from nexus_hookspecs.http import ServiceUnavailable

from nexus.events import OutboxPublisher
from nexus.features import SettingsReader
from nexus.plugins import await_maybe

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Service

    from nexus.features import TenantFeatures, Toggles
    from nexus.plugins import PluginRegistry

__all__ = ("ProviderContext", "ServiceCalls", "TenantServices")

T = TypeVar("T")

# Values that cross as they are (no text round trip): a Decimal stays exact.
_PASS_THROUGH = (Decimal, UUID, datetime, date, time, timedelta, bytes)
_TENANT_SETTING = "select nullif(current_setting('nexus.tenant_id', true), '')::uuid"


class ServiceCalls:
    """Every loaded plugin's services, callable for a tenant through :meth:`bound`.

    Args:
        registry: The loaded plugins (their services and declared events).
        toggles: The process's feature toggles (who is enabled, first enablements, settings).
    """

    def __init__(self, registry: PluginRegistry, toggles: Toggles) -> None:
        self.registry = registry
        self.toggles = toggles
        self.reader = toggles.reader or SettingsReader(registry)
        self._declared = {
            record.name: frozenset(record.manifest.event_names())
            for record in registry.loaded
            if record.manifest is not None
        }

    def catalog(self) -> dict[str, Service]:
        """The services on offer, by name (a plugin refused after loading offers none)."""
        return self.registry.services()

    def bound(
        self, tenant_id: UUID | None, *, caller: str | None = None, actor: str | None = None
    ) -> TenantServices:
        """The :class:`nexus_hookspecs.Services` port of one tenant (``None``: the connection's).

        ``actor`` is who the calls act for, handed on to the providers' contexts.
        """
        return TenantServices(self, tenant_id, caller, actor)

    def declared(self, plugin: str) -> frozenset[str]:
        """The event types ``plugin`` declares."""
        return self._declared.get(plugin, frozenset())


class TenantServices:
    """The :class:`nexus_hookspecs.Services` port of one tenant, for one calling plugin."""

    __slots__ = ("_calls", "_tenant_id", "actor", "caller")

    def __init__(
        self,
        calls: ServiceCalls,
        tenant_id: UUID | None,
        caller: str | None,
        actor: str | None = None,
    ) -> None:
        self._calls = calls
        self._tenant_id = tenant_id
        self.caller = caller
        self.actor = actor

    async def available(self, conn: Connection, name: str) -> bool:
        """Installed, and its provider enabled for the connection's tenant."""
        if name not in self._calls.catalog():
            return False
        tenant_id = await self._tenant(conn)
        toggles = self._calls.toggles
        held = toggles.cached(tenant_id) or await toggles.features(tenant_id)
        return _provider(name) in held.enabled

    async def call(self, conn: Connection, name: str, data: Any, *, result: type[T]) -> T:
        """Run ``name`` in ``conn``'s transaction; its answer converted to ``result``.

        Raises:
            ServiceUnavailable: The provider is not installed or not enabled for the tenant.
            TypeError: ``data`` does not fit the service's request type, or the answer
                ``result`` (named with the service and the field).
        """
        calls = self._calls
        service = calls.catalog().get(name)
        plugin = _provider(name)
        if service is None:
            raise ServiceUnavailable(name, plugin=plugin)
        tenant_id = await self._tenant(conn)
        toggles = calls.toggles
        held = toggles.cached(tenant_id) or await toggles.features(tenant_id)
        if plugin not in held.enabled:
            raise ServiceUnavailable(name, plugin=plugin)
        if plugin not in held.seeded:  # once per (tenant, plugin): its enable hook first
            held = await toggles.ensure_enabled(tenant_id, plugin)
        request = _convert(name, "request", data, service.request)
        context = ProviderContext(
            calls, tenant_id=tenant_id, conn=conn, plugin=plugin, features=held, actor=self.actor
        )
        answer = await await_maybe(service.handler(request, context))
        if result is None or result is type(None):
            return None  # type: ignore[return-value]
        converted: T = _convert(name, "answer", answer, result)
        return converted

    async def _tenant(self, conn: Connection) -> UUID:
        if self._tenant_id is not None:
            return self._tenant_id
        tenant_id = await conn.fetchval(_TENANT_SETTING)
        if tenant_id is None:
            raise PermissionError("services act for a tenant; this transaction has none")
        self._tenant_id = tenant_id
        return tenant_id  # type: ignore[no-any-return]


class ProviderContext:
    """The :class:`nexus_hookspecs.ServiceContext` a service's handler gets."""

    __slots__ = (
        "_calls",
        "_features",
        "actor",
        "conn",
        "events",
        "plugin",
        "services",
        "tenant_id",
    )

    def __init__(
        self,
        calls: ServiceCalls,
        *,
        tenant_id: UUID,
        conn: Connection,
        plugin: str,
        features: TenantFeatures,
        actor: str | None = None,
    ) -> None:
        self._calls = calls
        self._features = features
        self.actor = actor
        self.tenant_id = tenant_id
        self.conn = conn
        self.plugin = plugin
        self.events = OutboxPublisher(
            tenant_id=tenant_id, plugin=plugin, declared=calls.declared(plugin)
        )
        self.services = calls.bound(tenant_id, caller=plugin, actor=actor)

    async def feature_enabled(self, key: str) -> bool:
        """Whether ``key`` is on for the tenant."""
        return await self._calls.toggles.is_enabled(self.tenant_id, key)

    async def settings(self) -> Any:
        """The providing plugin's settings for the tenant."""
        return self._calls.reader.held(self._features, self.plugin)


def _provider(name: str) -> str:
    return name.split(".", 1)[0]


def _convert(name: str, what: str, value: Any, type_: Any) -> Any:
    """``value`` as ``type_``, strictly, through its builtins; a TypeError naming the field."""
    try:
        return msgspec.convert(msgspec.to_builtins(value, builtin_types=_PASS_THROUGH), type_)
    except (msgspec.ValidationError, TypeError) as exc:
        expected = getattr(type_, "__name__", repr(type_))
        raise TypeError(f"service {name}: the {what} does not fit {expected}: {exc}") from None
