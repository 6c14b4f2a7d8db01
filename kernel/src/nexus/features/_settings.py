"""Per-tenant plugin settings: kept when a plugin is first enabled, read through the port."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

    from nexus.db import PostgresDatabase
    from nexus.plugins import PluginRegistry

__all__ = ("PluginSettingsPort", "SettingsReader", "encode_settings")

_READ = "select settings::text from nexus_plugin_enablement where tenant_id = $1 and plugin = $2"


def encode_settings(settings: Any) -> str:
    """The JSON kept in ``nexus_plugin_enablement.settings`` (a Struct or a mapping)."""
    return msgspec.json.encode(settings).decode()


class SettingsReader:
    """Decodes a tenant's stored settings into each plugin's settings Struct."""

    def __init__(self, registry: PluginRegistry) -> None:
        self._schemas = {
            record.name: record.manifest.settings
            for record in registry.loaded
            if record.manifest is not None
        }

    def decode(self, plugin: str | None, raw: str | None) -> Any:
        """The settings from their stored JSON; the Struct's defaults when none is stored."""
        values = msgspec.json.decode(raw) if raw else {}
        schema = self._schemas.get(plugin) if plugin else None
        return msgspec.convert(values, schema, strict=False) if schema else values

    async def read(self, conn: Connection | Any, tenant_id: UUID, plugin: str | None) -> Any:
        """The tenant's settings for ``plugin``, on ``conn`` (row-level security set to it)."""
        raw = await conn.fetchval(_READ, tenant_id, plugin) if plugin else None
        return self.decode(plugin, raw)


class PluginSettingsPort:
    """The :class:`nexus_hookspecs.PluginSettings` port of one plugin."""

    __slots__ = ("_database", "_plugin", "_reader")

    def __init__(
        self, database: PostgresDatabase, reader: SettingsReader, plugin: str | None
    ) -> None:
        self._database = database
        self._reader = reader
        self._plugin = plugin

    async def get(self, tenant_id: UUID) -> Any:
        """Return the tenant's settings for the plugin (preset values over defaults)."""
        async with self._database.transaction(tenant_id=tenant_id) as conn:
            return await self._reader.read(conn, tenant_id, self._plugin)
