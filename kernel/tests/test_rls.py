"""Row-level security as PostgreSQL itself reports it, after migrating kernel and plugins."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from kernel_samples import hello, memos, notes
from nexus.plugins import load_plugins
from nexus.schema import migrate
from nexus.testing import run_sync

API_ROLE = "nexus_api"


@pytest.fixture
def migrated(nexus_settings, nexus_database_url):
    """The test database with the kernel, ``notes`` and ``memos`` migrated."""
    registry = load_plugins(nexus_settings, plugins=[hello, notes, memos])
    run_sync(migrate(nexus_settings, registry, database_url=nexus_database_url))
    return nexus_database_url


def query(url, sql, *args, role=None, tenant=None):
    """Run ``sql`` on a fresh connection (as ``role``, in ``tenant``); return every row."""

    async def run():
        settings = {"role": role} if role else {}
        conn = await asyncpg.connect(url, server_settings=settings)
        try:
            async with conn.transaction():
                if tenant is not None:
                    await conn.execute(
                        "select set_config('nexus.tenant_id', $1, true)", str(tenant)
                    )
                return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return run_sync(run())


def insert_memo(url, tenant, *, row_tenant=None, role=API_ROLE):
    return query(
        url,
        "insert into memos_memo (tenant_id, id, title) values ($1, $2, 'hello') returning id",
        row_tenant or tenant,
        uuid.uuid4(),
        role=role,
        tenant=tenant,
    )


def test_every_table_with_tenant_id_has_forced_row_level_security(migrated):
    rows = query(
        migrated,
        """
        select c.relname, c.relrowsecurity, c.relforcerowsecurity,
               array(select p.polname::text from pg_policy p where p.polrelid = c.oid) as policies
          from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id'
         where c.relkind in ('r', 'p') and not a.attisdropped
           and n.nspname not in ('pg_catalog', 'information_schema')
        """,
    )
    tables = {row["relname"]: row for row in rows}
    assert {"memos_memo", "nexus_user", "nexus_api_key"} <= set(tables)
    unsecured = sorted(
        name
        for name, row in tables.items()
        if not (row["relrowsecurity"] and row["relforcerowsecurity"] and row["policies"])
    )
    assert unsecured == []


def test_every_tenant_table_has_only_the_tenant_policy_permitting_access(migrated):
    # Permissive policies are OR-ed together: any other one would widen the tenant's view.
    # The one exception: the event relay's role reads the outbox (and dead letters) across
    # tenants; those policies name that role alone, never the API role.
    rows = query(
        migrated,
        """
        select p.tablename, p.policyname, p.permissive, p.cmd, p.qual, p.with_check, p.roles
          from pg_policies p
         where exists (select 1 from information_schema.columns c
                        where c.table_schema = p.schemaname and c.table_name = p.tablename
                          and c.column_name = 'tenant_id')
        """,
    )
    predicate = (
        "(tenant_id = (NULLIF(current_setting('nexus.tenant_id'::text, true), ''::text))::uuid)"
    )
    tenant_policy = ("nexus_tenant_isolation", "ALL", predicate, predicate)
    permissive: dict[str, list[tuple[str, ...]]] = {}
    relay = {
        (row["tablename"], row["policyname"], row["cmd"])
        for row in rows
        if list(row["roles"]) == ["nexus_relay"]
    }
    assert relay == {
        ("nexus_event_outbox", "nexus_relay_read", "SELECT"),
        ("nexus_event_outbox", "nexus_relay_mark", "UPDATE"),
        ("nexus_event_dead_letter", "nexus_relay_read", "SELECT"),
        ("nexus_event_dead_letter", "nexus_relay_redrive", "DELETE"),
    }
    for row in rows:
        if row["permissive"] == "PERMISSIVE" and list(row["roles"]) != ["nexus_relay"]:
            permissive.setdefault(row["tablename"], []).append(
                (row["policyname"], row["cmd"], row["qual"], row["with_check"])
            )
    assert permissive["memos_memo"] == [tenant_policy]
    assert {table: p for table, p in permissive.items() if p != [tenant_policy]} == {}


def test_tenant_id_leads_the_primary_key_of_every_tenant_table(migrated):
    rows = query(
        migrated,
        """
        select c.relname, a.attname as first_key_column
          from pg_constraint pk
          join pg_class c on c.oid = pk.conrelid
          join pg_namespace n on n.oid = c.relnamespace
          join pg_attribute a on a.attrelid = c.oid and a.attnum = pk.conkey[1]
         where pk.contype = 'p' and n.nspname = 'public'
           and exists (select 1 from pg_attribute t
                        where t.attrelid = c.oid and t.attname = 'tenant_id')
        """,
    )
    first = {row["relname"]: row["first_key_column"] for row in rows}
    assert first["memos_memo"] == "tenant_id"
    assert {name for name, column in first.items() if column != "tenant_id"} == set()


def test_api_role_is_no_superuser_cannot_bypass_rls_and_owns_nothing(migrated):
    (role,) = query(
        migrated,
        "select rolsuper, rolbypassrls, oid from pg_roles where rolname = $1",
        API_ROLE,
    )
    (owned,) = query(migrated, "select count(*) from pg_class where relowner = $1", role["oid"])
    assert (role["rolsuper"], role["rolbypassrls"]) == (False, False)
    assert owned["count"] == 0


def test_api_role_without_tenant_sees_no_rows(migrated):
    tenant = uuid.uuid4()
    insert_memo(migrated, tenant)

    unset = query(migrated, "select id from memos_memo", role=API_ROLE)
    in_tenant = query(migrated, "select id from memos_memo", role=API_ROLE, tenant=tenant)
    elsewhere = query(migrated, "select id from memos_memo", role=API_ROLE, tenant=uuid.uuid4())

    assert (len(unset), len(in_tenant), len(elsewhere)) == (0, 1, 0)


def test_owner_role_is_held_to_the_policy_too(migrated):
    tenant = uuid.uuid4()
    insert_memo(migrated, tenant)

    assert query(migrated, "select id from memos_memo", role="nexus_owner") == []


def test_insert_carrying_another_tenants_id_is_refused(migrated):
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        insert_memo(migrated, uuid.uuid4(), row_tenant=uuid.uuid4())


def test_insert_without_a_tenant_is_refused(migrated):
    with pytest.raises((asyncpg.NotNullViolationError, asyncpg.InsufficientPrivilegeError)):
        query(
            migrated,
            "insert into memos_memo (id, title) values ($1, 'hello')",
            uuid.uuid4(),
            role=API_ROLE,
        )


def test_update_cannot_move_a_row_to_another_tenant(migrated):
    tenant = uuid.uuid4()
    insert_memo(migrated, tenant)

    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
        query(
            migrated,
            "update memos_memo set tenant_id = $1",
            uuid.uuid4(),
            role=API_ROLE,
            tenant=tenant,
        )
