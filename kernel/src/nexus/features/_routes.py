"""Tenant-admin routes: ``/api/v1/features``, ``/api/v1/plugins``, ``/api/v1/audit-log``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, JSONBody

from nexus.db import TenantDatabase
from nexus.features._evaluate import FeatureState, Source
from nexus.features._service import FeatureChange, FeatureConflict, FeatureService, PurgeResult
from nexus.http._pagination import CursorParam, LimitParam, Page, decode_cursor, encode_cursor

__all__ = ("AuditLogController", "FeatureController", "PluginStateController", "feature_routes")

FEATURES_PERMISSION = "nexus.features:admin"
Db = NamedDependency[TenantDatabase]


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
    """An installed plugin and its state for the caller's tenant."""

    name: str
    title: str
    version: str
    summary: str
    requires: list[str]
    state: FeatureState
    in_effect: bool


def _service(request: Request[Any, Any, Any]) -> FeatureService:
    return request.app.state.nexus_features  # type: ignore[no-any-return]


def _tenant(request: Request[Any, Any, Any]) -> UUID:
    return request.scope["state"]["tenant_id"]  # type: ignore[no-any-return]


class FeatureController(Controller):
    """The tenant's features (tenant admins)."""

    path = "/api/v1/features"
    tags = ["features"]
    opt = {"permission": FEATURES_PERMISSION}

    @get("/", summary="List features")
    async def list_features(self, request: Request[Any, Any, Any]) -> list[Feature]:
        """Every feature with its state, source, requirements and dependents."""
        service = _service(request)
        current = await service.toggles.features(_tenant(request))
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
                actor=request.scope["state"]["actor"],
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
                actor=request.scope["state"]["actor"],
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
        self, db: Db, limit: LimitParam = 50, cursor: CursorParam = None
    ) -> Page[AuditEntry]:
        """Audited changes, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, actor, action, target, before, after, reason, created_at "
                "from nexus_audit_log where ($1::uuid is null or id > $1) order by id limit $2",
                decode_cursor(cursor),
                limit + 1,
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
        more = len(entries) > limit
        entries = entries[:limit]
        return Page(items=entries, next_cursor=encode_cursor(entries[-1].id) if more else None)


feature_routes = [FeatureController, PluginStateController, AuditLogController]
