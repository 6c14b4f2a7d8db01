"""Row-level security on every tenant-owned table, enforced after each migration run."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncpg

__all__ = ("POLICY", "TENANT_PREDICATE", "enforce_tenancy", "tenant_tables")

POLICY = "nexus_tenant_isolation"
TENANT_PREDICATE = "tenant_id = nullif(current_setting('nexus.tenant_id', true), '')::uuid"

_TENANT_TABLES = """
select c.oid::regclass::text as name,
       c.relrowsecurity as enabled,
       c.relforcerowsecurity as forced,
       exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = $1) as policy,
       (select array_agg(a.attname::text order by k.ord)
          from pg_constraint pk
          cross join lateral unnest(pk.conkey) with ordinality as k(attnum, ord)
          join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
         where pk.conrelid = c.oid and pk.contype = 'p') as primary_key,
       (select pk.conname from pg_constraint pk
         where pk.conrelid = c.oid and pk.contype = 'p') as primary_key_name,
       exists (select 1 from pg_constraint f
                where f.confrelid = c.oid and f.contype = 'f') as referenced
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  join pg_attribute t on t.attrelid = c.oid and t.attname = 'tenant_id' and not t.attisdropped
 where c.relkind in ('r', 'p') and n.nspname = current_schema()
 order by 1
"""


async def tenant_tables(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Every table of the schema with a ``tenant_id`` column, with its RLS and key state."""
    return list(await conn.fetch(_TENANT_TABLES, POLICY))


async def enforce_tenancy(conn: asyncpg.Connection) -> list[str]:
    """Enable and force row-level security with the tenant policy on every tenant table.

    Also makes ``tenant_id`` lead the primary key of tables keyed by ``id`` alone (when no
    foreign key points at them), so rows of one tenant sit together and the schema is ready
    for distribution by ``tenant_id``. Must run as the tables' owner. Idempotent.

    Returns:
        The tables that were changed.
    """
    changed = []
    for table in await tenant_tables(conn):
        name = table["name"]
        statements = []
        if not table["enabled"]:
            statements.append(f"alter table {name} enable row level security")
        if not table["forced"]:
            statements.append(f"alter table {name} force row level security")
        if not table["policy"]:
            statements.append(
                f"create policy {POLICY} on {name} "
                f"using ({TENANT_PREDICATE}) with check ({TENANT_PREDICATE})"
            )
        if table["primary_key"] == ["id"] and not table["referenced"]:
            statements.append(
                f'alter table {name} drop constraint "{table["primary_key_name"]}", '
                "add primary key (tenant_id, id)"
            )
        if statements:
            await conn.execute(";\n".join(statements))
            changed.append(name)
    return changed
