"""Six small sample plugins for the provisioning benchmark, registered explicitly.

Each seeds a few rows into ``bench_seed`` when enabled for a tenant (the table is made by
the benchmark) and takes part in "provision resources"; ``requires`` chains some of them
so the plan has requirements to close.
"""

from __future__ import annotations

from typing import Any

import msgspec
from nexus_hookspecs import Manifest, hookimpl

__all__ = ("PLUGINS", "PRESET_TOML", "SEED_TABLE_SQL")


class SampleSettings(msgspec.Struct, kw_only=True):
    """Settings every sample plugin takes."""

    label: str = "sample"
    rows: int = 3


class SamplePlugin:
    """One sample plugin: a manifest, a seed hook and a resources hook."""

    def __init__(self, name: str, requires: tuple[str, ...] = ()) -> None:
        self.name = name
        self.manifest = Manifest(
            name=name,
            version="1.0.0",
            title=name.title(),
            requires=requires,
            settings=SampleSettings,
            tenant_tables=("bench_seed",),
        )

    @hookimpl
    def nexus_manifest(self) -> Manifest:
        """The plugin's manifest."""
        return self.manifest

    @hookimpl
    async def nexus_tenant_enable(self, tenant: Any, settings: SampleSettings, conn: Any) -> None:
        """Seed ``settings.rows`` rows for the tenant."""
        await conn.executemany(
            "insert into bench_seed (tenant_id, plugin, key, value) values ($1, $2, $3, $4)",
            [(tenant.id, self.name, f"k{n}", settings.label) for n in range(settings.rows)],
        )

    @hookimpl
    def nexus_provision_resources(self, tenant: Any, conn: Any) -> None:
        """Nothing outside the database to create: keys are prefixed by the tenant id."""


PLUGINS = [
    SamplePlugin("contacts"),
    SamplePlugin("sales", ("contacts",)),
    SamplePlugin("invoicing", ("sales",)),
    SamplePlugin("stock"),
    SamplePlugin("calendar"),
    SamplePlugin("docs", ("calendar",)),
]

PRESET_TOML = """
name = "bench-six"
title = "Six sample plugins"
industry = "bench"
plugins = ["invoicing", "stock", "docs"]   # the other three come in through requires

[settings.invoicing]
label = "invoice"
rows = 5

[settings.stock]
rows = 4
"""

SEED_TABLE_SQL = """
create table bench_seed (
    tenant_id uuid not null,
    plugin text not null,
    key text not null,
    value text not null,
    primary key (tenant_id, plugin, key)
);
alter table bench_seed enable row level security;
alter table bench_seed force row level security;
create policy bench_seed_tenant on bench_seed
    using (tenant_id = nullif(current_setting('nexus.tenant_id', true), '')::uuid)
    with check (tenant_id = nullif(current_setting('nexus.tenant_id', true), '')::uuid);
"""
