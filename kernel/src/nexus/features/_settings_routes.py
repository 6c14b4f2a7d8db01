"""Tenant-admin routes: ``/api/v1/plugins/{name}/settings`` — read and change a plugin's settings.

A change is checked against the plugin's settings type (422 naming every failing field),
audited (``plugin.settings.changed``, before and after), announced as the event
``nexus.plugin.settings_changed.v1`` in its own transaction, and pushed to every process
like a toggle change, so the next request anywhere reads the new values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, patch, put
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, JSONBody

from nexus.features._channel import CHANNEL
from nexus.features._events import PLUGIN_SETTINGS_CHANGED, PluginSettingsChanged
from nexus.features._routes import FEATURES_PERMISSION, _service
from nexus.features._service import _feature_events
from nexus.features._settings import (
    SettingsInvalid,
    SettingsReader,
    keep_settings,
    validate_settings,
)
from nexus.http import required_actor, required_tenant

if TYPE_CHECKING:
    from nexus.features._service import FeatureService

__all__ = ("PluginSettingsController", "PluginSettingsView")

"""The event a settings change emits, in the change's own transaction."""

_ENCODER = msgspec.json.Encoder()


class PluginSettingsView(msgspec.Struct, kw_only=True):
    """A plugin's settings for the caller's tenant, and the JSON Schema they must meet.

    Attributes:
        plugin: The plugin.
        values: The settings in effect (the type's defaults for fields never set).
        schema: JSON Schema of the plugin's settings type (its ``$defs`` included).
        enabled: Whether the plugin's first enablement has run for the tenant; before it,
            ``values`` are what the enable hook will be given.
    """

    plugin: str
    values: dict[str, Any]
    schema: dict[str, Any]
    enabled: bool


def _schema_of(settings_type: type[msgspec.Struct]) -> dict[str, Any]:
    """The type's JSON Schema with its own object at the top (not a bare ``$ref``)."""
    schema = msgspec.json.schema(settings_type)
    ref = schema.get("$ref", "")
    defs = schema.get("$defs", {})
    name = ref.rsplit("/", 1)[-1]
    if name in defs:
        return {**defs[name], "$defs": defs}
    return schema


def _settings_type(reader: SettingsReader, service: FeatureService, name: str) -> Any:
    """The plugin's settings type; 404 for an unknown plugin and for one without settings."""
    record = service.registry.get(name)
    schema = reader.schema(name) if record is not None and record.manifest else None
    if schema is None:
        raise NotFoundException()
    return schema


def _reader(service: FeatureService) -> SettingsReader:
    return service.toggles.reader or SettingsReader(service.registry)


def _refused(exc: SettingsInvalid) -> ValidationException:
    errors = [{"key": key, "message": message, "source": "body"} for key, message in exc.errors]
    return ValidationException(str(exc), extra=errors)


async def _view(service: FeatureService, tenant_id: UUID, name: str) -> PluginSettingsView:
    reader = _reader(service)
    settings_type = _settings_type(reader, service, name)
    held = await service.toggles.features(tenant_id)
    return PluginSettingsView(
        plugin=name,
        values=msgspec.to_builtins(reader.held(held, name)),
        schema=_schema_of(settings_type),
        enabled=name in held.seeded,
    )


async def change_settings(
    service: FeatureService,
    tenant_id: UUID,
    name: str,
    values: dict[str, Any],
    *,
    merge: bool,
    actor: str,
) -> None:
    """Replace (or, with ``merge``, update field by field) a tenant's settings of a plugin.

    Raises:
        NotFoundException: no such plugin, or it has no settings.
        SettingsInvalid: the settings type refuses the values.
    """
    reader = _reader(service)
    settings_type = _settings_type(reader, service, name)
    async with service.database.transaction(tenant_id=tenant_id) as conn:
        # The row lock orders concurrent changes, so each audit entry's "before" is true.
        raw = await conn.fetchval(
            "select settings::text from nexus_plugin_enablement where plugin = $1 for update",
            name,
        )
        before = msgspec.to_builtins(reader.decode(name, raw)) if raw is not None else None
        merged = {**(before or {}), **values} if merge else values
        settings = validate_settings(settings_type, merged, plugin=name)
        after = msgspec.to_builtins(settings)
        await keep_settings(conn, tenant_id=tenant_id, plugin=name, settings=settings)
        # The audit entry shares the event's id, so the audit consumer does not log it twice.
        event_id = await _feature_events(tenant_id).publish(
            conn,
            type=PLUGIN_SETTINGS_CHANGED,
            data=PluginSettingsChanged(plugin=name, before=before, after=after, actor=actor),
            subject=name,
        )
        await conn.execute(
            "insert into nexus_audit_log (tenant_id, id, actor, action, target, before, after) "
            "values ($1, $2, $3, 'plugin.settings.changed', $4, $5::jsonb, $6::jsonb)",
            tenant_id,
            UUID(event_id),
            actor,
            name,
            _ENCODER.encode({"settings": before}).decode(),
            _ENCODER.encode({"settings": after}).decode(),
        )
        await conn.execute("select pg_notify($1, $2)", CHANNEL, str(tenant_id))
    await service._announce(tenant_id)


class PluginSettingsController(Controller):
    """A plugin's settings for the caller's tenant (tenant admins).

    A plugin without a settings type has no settings resource: 404, like an unknown plugin.
    A plugin never enabled for the tenant may be given settings too: its first enablement
    hands them to its enable hook.
    """

    path = "/api/v1/plugins/{name:str}/settings"
    tags = ["features"]
    opt = {"permission": FEATURES_PERMISSION}

    @get("/", summary="Show a plugin's settings")
    async def show(
        self, request: Request[Any, Any, Any], name: FromPath[str]
    ) -> PluginSettingsView:
        """The values in effect and the JSON Schema of the plugin's settings type."""
        return await _view(_service(request), required_tenant(request), name)

    @put("/", summary="Replace a plugin's settings")
    async def replace(
        self,
        request: Request[Any, Any, Any],
        name: FromPath[str],
        data: JSONBody[dict[str, Any]],
    ) -> PluginSettingsView:
        """Replace the settings (fields left out take their defaults); 422 names every refusal."""
        return await self._change(request, name, data, merge=False)

    @patch("/", summary="Change some of a plugin's settings")
    async def update(
        self,
        request: Request[Any, Any, Any],
        name: FromPath[str],
        data: JSONBody[dict[str, Any]],
    ) -> PluginSettingsView:
        """Change the fields given, keep the others; 422 names every refusal."""
        return await self._change(request, name, data, merge=True)

    @staticmethod
    async def _change(
        request: Request[Any, Any, Any], name: str, data: dict[str, Any], *, merge: bool
    ) -> PluginSettingsView:
        service, tenant_id = _service(request), required_tenant(request)
        try:
            await change_settings(
                service, tenant_id, name, data, merge=merge, actor=required_actor(request)
            )
        except SettingsInvalid as exc:
            raise _refused(exc) from None
        return await _view(service, tenant_id, name)
