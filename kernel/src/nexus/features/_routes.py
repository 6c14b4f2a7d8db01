"""Tenant-admin routes: ``/api/v1/features``, ``/api/v1/plugins``, ``/api/v1/audit-log``."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage
from nexus_hookspecs.http import Cursor, Limit, Page, after_id, page_of

from nexus.features._evaluate import FeatureState, Source
from nexus.features._service import FeatureChange, FeatureConflict, FeatureService, PurgeResult
from nexus.http import KernelDb, required_actor, required_tenant
from nexus.services import kernel_of

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = (
    "AuditLogController",
    "FeatureController",
    "InstalledPluginController",
    "PluginStateController",
    "feature_routes",
)

FEATURES_PERMISSION = "nexus.features:admin"
# A comment line this often keeps idle live streams open through proxies.
KEEPALIVE_S = 15.0


class Feature(msgspec.Struct, kw_only=True):
    """A feature as a tenant admin sees it.

    Attributes:
        key: ``plugin`` or ``plugin.feature``.
        plugin: Its plugin.
        title: Human name.
        state: ``enabled``, ``disabled`` (data kept) or ``purged``.
        source: What decided the state: ``default``, ``preset`` or ``override``.
        in_effect: Enabled and, for a feature, its plugin enabled too.
        requires: Keys that must be enabled for this one.
        dependents: Keys that require this one.
    """

    key: str
    plugin: str
    title: str
    state: FeatureState
    source: Source
    in_effect: bool
    requires: list[str]
    dependents: list[str]


class FeatureUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Switch a feature; ``cascade`` also switches what stands in the way."""

    enabled: bool
    cascade: bool = False
    reason: str = ""


class FeatureChanges(msgspec.Struct, kw_only=True):
    """Every feature that changed (the one asked for and its cascade)."""

    changes: list[FeatureChange]


class PurgeRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Purge a disabled plugin's data of this tenant; a dry run (the default) only counts."""

    dry_run: bool = True


class AuditEntry(msgspec.Struct, kw_only=True):
    """One audited change."""

    id: UUID
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str
    created_at: datetime


class PluginState(msgspec.Struct, kw_only=True):
    """An installed plugin and its state for the caller's tenant.

    ``has_settings``: whether it has per-tenant settings (``/api/v1/plugins/{name}/settings``).
    """

    name: str
    title: str
    version: str
    summary: str
    requires: list[str]
    state: FeatureState
    in_effect: bool
    has_settings: bool


def _service(request: Request[Any, Any, Any]) -> FeatureService:
    return kernel_of(request.app).features.service


def _tenant(request: Request[Any, Any, Any]) -> UUID:
    return required_tenant(request)


async def _features(service: FeatureService, tenant_id: UUID) -> list[Feature]:
    current = await service.toggles.features(tenant_id)
    catalog = service.catalog
    return [
        Feature(
            key=key,
            plugin=spec.plugin,
            title=spec.title,
            state=current.states[key][0],
            source=current.states[key][1],
            in_effect=key in current.enabled,
            requires=list(spec.requires),
            dependents=list(catalog.dependents.get(key, ())),
        )
        for key, spec in catalog.specs.items()
    ]


async def _feature_stream(
    service: FeatureService, tenant_id: UUID
) -> AsyncIterator[ServerSentEventMessage]:
    """The tenant's features now, then again after every change pushed to this process."""
    changed = asyncio.Event()

    def on_change(changed_tenant: UUID) -> None:
        if changed_tenant == tenant_id:
            changed.set()

    service.toggles.observe(on_change)
    try:
        while True:
            changed.clear()
            listed = await _features(service, tenant_id)
            yield ServerSentEventMessage(
                data=msgspec.json.encode(listed).decode(), event="features"
            )
            while not changed.is_set():
                try:
                    await asyncio.wait_for(changed.wait(), KEEPALIVE_S)
                except TimeoutError:
                    yield ServerSentEventMessage(comment="keep-alive")
    finally:
        service.toggles.unobserve(on_change)


class FeatureController(Controller):
    """The tenant's features (tenant admins)."""

    path = "/api/v1/features"
    tags = ["features"]
    opt = {"permission": FEATURES_PERMISSION}

    @get("/", summary="List features")
    async def list_features(self, request: Request[Any, Any, Any]) -> list[Feature]:
        """Every feature with its state, source, requirements and dependents."""
        return await _features(_service(request), _tenant(request))

    @get("/events", summary="Stream the features as they change", media_type="text/event-stream")
    async def events(self, request: Request[Any, Any, Any]) -> ServerSentEvent:
        """Server-sent events: a ``features`` event with the whole list now and at each change.

        A change made by anyone, in any process, arrives as soon as this process hears of it
        (the same push that refreshes its toggles). Idle streams get a comment every 15 s.
        """
        return ServerSentEvent(_feature_stream(_service(request), _tenant(request)))

    @put("/{key:str}", summary="Switch a feature")
    async def switch(
        self, request: Request[Any, Any, Any], key: FromPath[str], data: JSONBody[FeatureUpdate]
    ) -> FeatureChanges:
        """Enable or disable a feature; 409 names what is in the way unless ``cascade``."""
        try:
            changes = await _service(request).set(
                _tenant(request),
                key,
                enabled=data.enabled,
                cascade=data.cascade,
                reason=data.reason,
                actor=required_actor(request),
            )
        except KeyError:
            raise NotFoundException() from None
        except FeatureConflict as exc:
            raise ClientException(
                exc.detail, status_code=409, extra={"features": exc.features}
            ) from None
        return FeatureChanges(changes=changes)

    @post("/{plugin:str}/purge", summary="Purge a plugin's data", status_code=200)
    async def purge(
        self, request: Request[Any, Any, Any], plugin: FromPath[str], data: JSONBody[PurgeRequest]
    ) -> PurgeResult:
        """Count (dry run) or delete the tenant's rows and files of a disabled plugin."""
        try:
            return await _service(request).purge(
                _tenant(request),
                plugin,
                dry_run=data.dry_run,
                actor=required_actor(request),
            )
        except KeyError:
            raise NotFoundException() from None
        except FeatureConflict as exc:
            raise ClientException(
                exc.detail, status_code=409, extra={"features": exc.features}
            ) from None


class PluginStateController(Controller):
    """Installed plugins and their state for the caller's tenant."""

    path = "/api/v1/plugins"
    tags = ["features"]

    @get("/", summary="List plugins")
    async def list_plugins(self, request: Request[Any, Any, Any]) -> list[PluginState]:
        """Each installed plugin with this tenant's state."""
        service = _service(request)
        current = await service.toggles.features(_tenant(request))
        result = []
        for record in service.registry.loaded:
            manifest = record.manifest
            if manifest is None:
                continue
            result.append(
                PluginState(
                    name=manifest.name,
                    title=manifest.title,
                    version=manifest.version,
                    summary=manifest.summary,
                    requires=list(manifest.requires),
                    state=current.states[manifest.name][0],
                    in_effect=manifest.name in current.enabled,
                    has_settings=manifest.settings is not None,
                )
            )
        return result


class AuditLogController(Controller):
    """The tenant's audit log (tenant admins)."""

    path = "/api/v1/audit-log"
    tags = ["features"]
    opt = {"permission": FEATURES_PERMISSION}

    @get("/", summary="List audit entries")
    async def list_entries(
        self,
        db: KernelDb,
        limit: Limit = 50,
        cursor: Cursor = None,
        actor: Annotated[str | None, QueryParameter(max_length=200)] = None,
        action: Annotated[str | None, QueryParameter(max_length=100)] = None,
        target: Annotated[
            str | None,
            QueryParameter(
                max_length=200, description="A key; a plugin also matches its features."
            ),
        ] = None,
        since: Annotated[datetime | None, QueryParameter()] = None,
        until: Annotated[datetime | None, QueryParameter()] = None,
        newest_first: Annotated[bool, QueryParameter()] = False,
    ) -> Page[AuditEntry]:
        """Audited changes, oldest first (or newest first), filtered by who, what and when."""
        order, after = ("desc", "<") if newest_first else ("asc", ">")
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, actor, action, target, before, after, reason, created_at "
                f"from nexus_audit_log where ($1::uuid is null or id {after} $1) "
                "and ($3::text is null or actor = $3) "
                "and ($4::text is null or action = $4) "
                "and ($5::text is null or target = $5 or starts_with(target, $5 || '.')) "
                "and ($6::timestamptz is null or created_at >= $6) "
                "and ($7::timestamptz is null or created_at < $7) "
                f"order by id {order} limit $2",
                after_id(cursor),
                limit + 1,
                actor,
                action,
                target,
                since,
                until,
            )
        entries = [
            AuditEntry(
                **{
                    **dict(row),
                    "before": msgspec.json.decode(row["before"]) if row["before"] else None,
                    "after": msgspec.json.decode(row["after"]) if row["after"] else None,
                }
            )
            for row in rows
        ]
        return page_of(entries, limit)


class InstalledPlugin(msgspec.Struct, kw_only=True):
    """An installed plugin as the registry found it, with the doctor's finding if broken."""

    name: str
    title: str | None
    version: str | None
    distribution: str | None
    state: str
    reason: str | None
    requires: list[str]


class InstalledPluginController(Controller):
    """Every installed plugin, loaded or not (platform admins): ``nexus plugins doctor``."""

    path = "/api/v1/installed-plugins"
    tags = ["features"]
    opt = {"nexus_access": "platform"}

    @get("/", summary="List installed plugins")
    async def list_installed(self, request: Request[Any, Any, Any]) -> list[InstalledPlugin]:
        """Name, version, state (loaded, failed, blocked, excluded) and why not loaded."""
        return [
            InstalledPlugin(
                name=record.name,
                title=record.manifest.title if record.manifest else None,
                version=record.version,
                distribution=record.distribution,
                state=record.state.value,
                reason=record.reason,
                requires=list(record.manifest.requires) if record.manifest else [],
            )
            for record in _service(request).registry.records
        ]


feature_routes = [
    FeatureController,
    PluginStateController,
    AuditLogController,
    InstalledPluginController,
]
