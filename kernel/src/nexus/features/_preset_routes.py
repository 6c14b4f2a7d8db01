"""The presets catalog over HTTP, and applying a preset to a live tenant."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, JSONBody

from nexus.features._service import FeatureService, PresetPlan
from nexus.http import required_actor, required_tenant
from nexus.presets import PresetError
from nexus.services import kernel_of

__all__ = ("OwnPresetController", "PresetController", "TenantPresetController", "preset_routes")

FEATURES_PERMISSION = "nexus.features:admin"


class PresetSummary(msgspec.Struct, kw_only=True):
    """A preset in the catalog."""

    name: str
    title: str
    description: str
    industry: str
    extends: str | None
    plugins: list[str]


class ApplyPreset(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Apply ``preset`` to the tenant; a dry run (the default) only shows the plan."""

    preset: str
    dry_run: bool = True
    reason: str = ""


class OwnPreset(msgspec.Struct, kw_only=True):
    """The caller's tenant's preset (``None``: no preset, every plugin on)."""

    preset: str | None


def _service(request: Request[Any, Any, Any]) -> FeatureService:
    return kernel_of(request.app).features.service


class PresetController(Controller):
    """The presets catalog (any authenticated caller)."""

    path = "/api/v1/presets"
    tags = ["presets"]
    opt = {"nexus_access": "authenticated"}

    @get("/", summary="List presets")
    async def list_presets(self, request: Request[Any, Any, Any]) -> list[PresetSummary]:
        """Every preset, resolved (``extends`` applied)."""
        catalog = kernel_of(request.app).features.presets
        result = []
        for name in catalog.names():
            resolved = catalog.resolve(name, registry=_service(request).registry)
            result.append(
                PresetSummary(
                    name=name,
                    title=resolved.title,
                    description=resolved.description,
                    industry=resolved.industry,
                    extends=catalog.get(name).extends,
                    plugins=sorted(resolved.plugins),
                )
            )
        return result

    @get("/{name:str}", summary="Show a preset")
    async def show_preset(self, request: Request[Any, Any, Any], name: FromPath[str]) -> Any:
        """One preset, resolved: plugins, features, settings and seed data."""
        catalog = kernel_of(request.app).features.presets
        if name not in catalog:
            raise NotFoundException()
        try:
            return catalog.resolve(name, registry=_service(request).registry).to_dict()
        except PresetError:
            raise NotFoundException() from None


class TenantPresetController(Controller):
    """Applying a preset to a live tenant (platform admins)."""

    path = "/api/v1/tenants/{tenant_id:uuid}/apply-preset"
    tags = ["tenants"]
    opt = {"nexus_access": "platform"}

    @post("/", summary="Apply a preset to a tenant", status_code=200)
    async def apply(
        self,
        request: Request[Any, Any, Any],
        tenant_id: FromPath[UUID],
        data: JSONBody[ApplyPreset],
    ) -> PresetPlan:
        """Show (dry run) or carry out what switching the tenant to a preset changes."""
        service = _service(request)
        async with service.database.transaction() as conn:
            exists = await conn.fetchval("select 1 from nexus_tenant where id = $1", tenant_id)
        if not exists:
            raise NotFoundException()
        try:
            return await service.apply_preset(
                tenant_id,
                data.preset,
                dry_run=data.dry_run,
                actor=required_actor(request),
                reason=data.reason,
            )
        except KeyError:
            raise NotFoundException(f"no preset named {data.preset!r}") from None


class OwnPresetController(Controller):
    """The caller's own tenant's preset (tenant admins): see it, preview another, apply it."""

    path = "/api/v1/preset"
    tags = ["presets"]
    opt = {"permission": FEATURES_PERMISSION}

    @get("/", summary="Show the tenant's preset")
    async def show(self, request: Request[Any, Any, Any]) -> OwnPreset:
        """The preset the tenant's features start from."""
        tenant_id = required_tenant(request)
        async with _service(request).database.transaction(tenant_id=tenant_id) as conn:
            name = await conn.fetchval("select preset from nexus_tenant where id = $1", tenant_id)
        return OwnPreset(preset=name)

    @post("/", summary="Apply a preset to the tenant", status_code=200)
    async def apply(
        self, request: Request[Any, Any, Any], data: JSONBody[ApplyPreset]
    ) -> PresetPlan:
        """Show (dry run, the default) or carry out switching the tenant to another preset."""
        try:
            return await _service(request).apply_preset(
                required_tenant(request),
                data.preset,
                dry_run=data.dry_run,
                actor=required_actor(request),
                reason=data.reason,
            )
        except KeyError:
            raise NotFoundException(f"no preset named {data.preset!r}") from None


preset_routes = [PresetController, TenantPresetController, OwnPresetController]
