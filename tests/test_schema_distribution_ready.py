"""The schema stays ready for distribution by tenant (Citus), over every installed plugin.

A PostgreSQL that outgrows one server can shard tenant tables by ``tenant_id`` (Citus
``create_distributed_table(…, 'tenant_id')``) and keep the platform tables (``nexus_tenant``,
provisioning runs, signing keys) as reference tables, as deploy/README.md describes. That
works only while every tenant table leads its primary key with ``tenant_id`` and no foreign
key crosses tenants: a key between two tenant tables carries ``tenant_id`` on both sides, a
tenant table may point at the tenant directory, and no platform table points at a tenant
table. Unique indexes must carry ``tenant_id`` too; the few that are deliberately global
(one tenant may verify a domain; a public link's token is found without a tenant) are listed
here with why, so a new one is a decision rather than an accident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncpg
import pytest
from kernel_samples import memos
from nexus.plugins import load_plugins
from nexus.settings import Settings
from nexus.testing import migrated_database, run_sync

if TYPE_CHECKING:
    from collections.abc import Iterator

# Tables every tenant's rows may point at: the tenant directory (a Citus reference table).
_DIRECTORY = "nexus_tenant"

# Unique indexes on tenant tables without tenant_id, each a global rule by design. Under
# Citus each becomes a lookup table (or, for the outbox, stays per node): see deploy/README.md.
_GLOBAL_UNIQUE = {
    # The relay's order of published events in one database; a node relays its own outbox.
    "nexus_event_outbox_position": "per-database relay order",
    # A verified email domain signs in to exactly one tenant.
    "nexus_sso_domain_verified": "a domain belongs to one tenant",
    # Public links are opened by token alone, before any tenant is known.
    "calendar_feed_token_hash_key": "public feed token",
    "drive_link_token": "public share token",
}

_TABLES = """
select c.oid::regclass::text as name,
       exists (select 1 from pg_attribute t where t.attrelid = c.oid
                  and t.attname = 'tenant_id' and not t.attisdropped) as tenant_owned,
       (select array_agg(a.attname::text order by k.ord)
          from pg_constraint pk
          cross join lateral unnest(pk.conkey) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
         where pk.conrelid = c.oid and pk.contype = 'p') as primary_key
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p') and n.nspname = current_schema()
"""

# Each foreign key with its columns on both sides, pairwise in key order.
_FOREIGN_KEYS = """
select f.conname::text as name, f.conrelid::regclass::text as source,
       f.confrelid::regclass::text as target,
       array(select a.attname::text from unnest(f.conkey) with ordinality k(n, o)
               join pg_attribute a on a.attrelid = f.conrelid and a.attnum = k.n
              order by k.o) as columns,
       array(select a.attname::text from unnest(f.confkey) with ordinality k(n, o)
               join pg_attribute a on a.attrelid = f.confrelid and a.attnum = k.n
              order by k.o) as referenced
  from pg_constraint f
 where f.contype = 'f' and f.connamespace = current_schema()::regnamespace
"""

_UNIQUE_INDEXES = """
select i.indexrelid::regclass::text as name, i.indrelid::regclass::text as table_name,
       array(select a.attname::text from unnest(i.indkey) k(n)
               join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.n) as columns
  from pg_index i join pg_class c on c.oid = i.indrelid
  join pg_namespace n on n.oid = c.relnamespace
 where i.indisunique and n.nspname = current_schema()
"""


def _plugins() -> list[object]:
    installed = load_plugins(Settings.from_env())
    return [record.plugin for record in installed.loaded if record.name != "memos"] + [memos]


class Schema:
    """The catalogue rows of a database migrated with every installed plugin."""

    def __init__(self, url: str) -> None:
        async def read() -> tuple[list[asyncpg.Record], ...]:
            conn = await asyncpg.connect(url)
            try:
                return (
                    list(await conn.fetch(_TABLES)),
                    list(await conn.fetch(_FOREIGN_KEYS)),
                    list(await conn.fetch(_UNIQUE_INDEXES)),
                )
            finally:
                await conn.close()

        tables, self.foreign_keys, self.unique_indexes = run_sync(read())
        self.tables = {row["name"]: row for row in tables}
        self.tenant_tables = {name for name, row in self.tables.items() if row["tenant_owned"]}


@pytest.fixture(scope="module")
def schema(nexus_postgres_server: str) -> Iterator[Schema]:
    with migrated_database(nexus_postgres_server, _plugins()) as url:
        yield Schema(url)


def test_every_tenant_table_leads_its_primary_key_with_tenant_id(schema: Schema) -> None:
    assert len(schema.tenant_tables) > 50  # every plugin's tables, not an empty schema
    wrong = {
        name: schema.tables[name]["primary_key"]
        for name in schema.tenant_tables
        if (schema.tables[name]["primary_key"] or [None])[0] != "tenant_id"
    }
    assert wrong == {}


def test_no_foreign_key_crosses_tenants(schema: Schema) -> None:
    crossing = []
    for key in schema.foreign_keys:
        source_owned = key["source"] in schema.tenant_tables
        target_owned = key["target"] in schema.tenant_tables
        pairs = list(zip(key["columns"], key["referenced"], strict=True))
        if target_owned:
            # Tenant to tenant: tenant_id must match tenant_id, so the rows share a shard.
            ok = source_owned and ("tenant_id", "tenant_id") in pairs
        elif source_owned:
            # Tenant to platform: only the directory, by the row's own tenant.
            ok = key["target"] == _DIRECTORY and pairs == [("tenant_id", "id")]
        else:
            ok = True  # platform to platform: reference tables among themselves
        if not ok:
            crossing.append(f"{key['source']}.{key['name']} -> {key['target']} {pairs}")
    assert crossing == []


def test_unique_indexes_of_tenant_tables_carry_tenant_id(schema: Schema) -> None:
    global_ = {
        index["name"]
        for index in schema.unique_indexes
        if index["table_name"] in schema.tenant_tables and "tenant_id" not in index["columns"]
    }
    # A subset: a deployment may install fewer plugins, never more global rules.
    assert global_ - set(_GLOBAL_UNIQUE) == set()
