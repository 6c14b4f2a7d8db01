"""A plugin with resources outside its tables: provisioned, and removed on deprovision."""

from __future__ import annotations

from typing import Any

from nexus_hookspecs import Manifest, hookimpl

RESOURCES: set[str] = set()
"""Stands in for an external store: one entry per tenant that has its resources."""


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(name="vault", version="1.0.0", title="Vault", requires=("tasks",))


@hookimpl
def nexus_provision_resources(tenant: Any, conn: Any) -> None:
    RESOURCES.add(tenant.slug)


@hookimpl
async def nexus_deprovision_resources(tenant: Any, conn: Any) -> None:
    RESOURCES.discard(tenant.slug)
