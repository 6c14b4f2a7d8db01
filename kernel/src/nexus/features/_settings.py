"""Per-tenant plugin settings: checked against the plugin's settings type, held per process."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from nexus_hookspecs import Connection

    from nexus.features._evaluate import TenantFeatures
    from nexus.features._toggles import Toggles
    from nexus.plugins import PluginRegistry

__all__ = (
    "PluginSettingsPort",
    "SettingsInvalid",
    "SettingsReader",
    "UnreadableSettings",
    "encode_settings",
    "keep_settings",
    "validate_settings",
)

_READ = "select settings::text from nexus_plugin_enablement where tenant_id = $1 and plugin = $2"


def encode_settings(settings: Any) -> str:
    """The JSON kept in ``nexus_plugin_enablement.settings`` (a Struct or a mapping)."""
    return msgspec.json.encode(settings).decode()


class SettingsInvalid(ValueError):
    """Values a plugin's settings type refuses; ``errors`` names every failing field.

    Attributes:
        plugin: The plugin whose settings were refused.
        errors: ``(field, message)`` per failing field (``$`` for the object as a whole).
    """

    def __init__(self, plugin: str, errors: list[tuple[str, str]]) -> None:
        self.plugin = plugin
        self.errors = errors
        listed = "; ".join(f"{key}: {message}" for key, message in errors)
        super().__init__(f"settings of {plugin} refused: {listed}")


def validate_settings(schema: type[msgspec.Struct], values: Any, *, plugin: str) -> Any:
    """Convert ``values`` into the plugin's settings Struct, checking every field at once.

    Fields left out take their defaults. Conversion is as lenient as reading stored
    settings back (``strict=False``: ``"24"`` is an int), so what passes here always reads.

    Raises:
        SettingsInvalid: naming each unknown field and each field its type refuses.
    """
    if not isinstance(values, dict):
        raise SettingsInvalid(plugin, [("$", "settings are a JSON object")])
    fields = {field.encode_name: field for field in msgspec.structs.fields(schema)}
    accepted = ", ".join(sorted(fields)) or "nothing"
    errors = [
        (key, f"unknown setting ({plugin} accepts {accepted})")
        for key in values
        if key not in fields
    ]
    for name, field in fields.items():
        if name not in values:
            if field.required:
                errors.append((name, "required setting is missing"))
            continue
        try:
            msgspec.convert(values[name], field.type, strict=False)
        except msgspec.ValidationError as exc:
            errors.append(_field_error(name, str(exc)))
    if errors:
        raise SettingsInvalid(plugin, errors)
    try:
        return msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as exc:  # a check across fields (``__post_init__``)
        raise SettingsInvalid(plugin, [("$", str(exc))]) from None


def _field_error(name: str, message: str) -> tuple[str, str]:
    # msgspec says "… - at `$[0].x`" relative to the converted value: make it absolute.
    match = re.search(r" - at `\$(.*)`$", message)
    if match is None:
        return name, message
    return f"{name}{match.group(1)}", message[: match.start()]


class UnreadableSettings(msgspec.Struct, frozen=True):
    """Stored settings the plugin's type refuses (kept in a snapshot instead of the Struct).

    Only this plugin's settings fail to read; the tenant's toggles and other plugins go on.
    """

    plugin: str
    error: str

    def raise_(self) -> None:
        """Raise the refusal (a server error: stored data the code cannot read)."""
        raise RuntimeError(f"stored settings of {self.plugin} are refused: {self.error}")


# Kept as they are for a plugin already enabled; for one never enabled, kept for its first
# enablement (no time stamped), which runs the enable hook with them.
_KEEP = (
    "insert into nexus_plugin_enablement (tenant_id, plugin, settings, first_enabled_at) "
    "values ($1, $2, $3::jsonb, null) on conflict (tenant_id, plugin) "
    "do update set settings = excluded.settings"
)


async def keep_settings(
    conn: Connection | Any, *, tenant_id: UUID, plugin: str, settings: Any
) -> None:
    """Store a tenant's settings of a plugin (validated already), on ``conn``'s transaction.

    The caller announces the change (``pg_notify`` on the features channel) so every process
    reloads the tenant's snapshot.
    """
    await conn.execute(_KEEP, tenant_id, plugin, encode_settings(settings))


class SettingsReader:
    """Decodes a tenant's stored settings into each plugin's settings Struct."""

    def __init__(self, registry: PluginRegistry) -> None:
        self._schemas = {
            record.name: record.manifest.settings
            for record in registry.loaded
            if record.manifest is not None
        }

    def schema(self, plugin: str) -> type[msgspec.Struct] | None:
        """The plugin's settings type (``None``: no settings)."""
        return self._schemas.get(plugin)

    def decode(self, plugin: str | None, raw: str | None) -> Any:
        """The settings from their stored JSON; the Struct's defaults when none is stored."""
        values = msgspec.json.decode(raw) if raw else {}
        schema = self._schemas.get(plugin) if plugin else None
        return msgspec.convert(values, schema, strict=False) if schema else values

    def decode_all(self, rows: Mapping[str, str]) -> dict[str, Any]:
        """Plugin → settings of stored rows; a refused one becomes :class:`UnreadableSettings`."""
        decoded: dict[str, Any] = {}
        for plugin, raw in rows.items():
            try:
                decoded[plugin] = self.decode(plugin, raw)
            except (msgspec.ValidationError, msgspec.DecodeError) as exc:
                decoded[plugin] = UnreadableSettings(plugin, str(exc))
        return decoded

    def held(self, features: TenantFeatures, plugin: str | None) -> Any:
        """The plugin's settings in a snapshot (its defaults if it was never enabled)."""
        value = features.settings.get(plugin) if plugin else None
        if value is None:
            return self.decode(plugin, None)
        if isinstance(value, UnreadableSettings):
            value.raise_()
        return value

    async def read(self, conn: Connection | Any, tenant_id: UUID, plugin: str | None) -> Any:
        """The tenant's settings for ``plugin``, on ``conn`` (row-level security set to it)."""
        raw = await conn.fetchval(_READ, tenant_id, plugin) if plugin else None
        return self.decode(plugin, raw)


class PluginSettingsPort:
    """The :class:`nexus_hookspecs.PluginSettings` port of one plugin, answered from snapshots.

    The request's own tenant is answered from the snapshot the gate admitted it with; any
    other tenant from this process's toggles (read once if not held).
    """

    __slots__ = ("_held", "_plugin", "_reader", "_tenant_id", "_toggles")

    def __init__(
        self,
        toggles: Toggles,
        reader: SettingsReader,
        plugin: str | None,
        *,
        tenant_id: UUID | None = None,
        held: TenantFeatures | None = None,
    ) -> None:
        self._toggles = toggles
        self._reader = reader
        self._plugin = plugin
        self._tenant_id = tenant_id
        self._held = held

    async def get(self, tenant_id: UUID) -> Any:
        """Return the tenant's settings for the plugin (preset values over defaults)."""
        held = self._held if tenant_id == self._tenant_id else None
        if held is None:
            held = self._toggles.cached(tenant_id) or await self._toggles.features(tenant_id)
        plugin = self._plugin
        if plugin is not None and plugin in held.enabled and plugin not in held.seeded:
            # Another tenant, whose first enablement of the plugin has not run yet.
            held = await self._toggles.ensure_enabled(tenant_id, plugin)
        return self._reader.held(held, plugin)
