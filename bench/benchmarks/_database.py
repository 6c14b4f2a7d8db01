"""Throwaway databases for the benchmarks: migrated like production, with a tenant and table."""

from __future__ import annotations

import asyncio
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg
import nexus.testing
from nexus import Settings, load_plugins
from nexus.schema import migrate
from nexus.testing import temporary_database

from bench.apps.handlers import BENCH_TENANT_ID

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = ("CONTACTS", "RECORDS", "BenchDatabase", "crm_contacts", "migrated_database")

RECORDS = 1000
CONTACTS = 1000
"""CRM contacts per tenant :func:`crm_contacts` makes (for two tenants)."""
_OTHER_TENANT_ID = UUID("0193a5b0-0000-7000-8000-0000000074e2")


@dataclass(frozen=True, slots=True)
class BenchDatabase:
    """A migrated throwaway database and the tenant the benchmarks act as.

    Attributes:
        url: The database URL (the server's superuser or test user).
        tenant_id: The tenant whose records the read benchmark fetches.
        headers: Credentials of that tenant for the kernel (empty without an auth gate).
        auth: How requests authenticate, in words, for the report.
    """

    url: str
    tenant_id: UUID
    headers: dict[str, str] = field(default_factory=dict)
    auth: str = ""


def _tenant(url: str, settings: Settings) -> tuple[UUID, dict[str, str], str]:
    # Kernels before the auth gate have no tenants to make; their requests carry none.
    make_tenant = getattr(nexus.testing, "make_tenant", None)
    if make_tenant is None:
        return BENCH_TENANT_ID, {}, "none (the kernel has no auth gate)"
    tenant = make_tenant(url, settings=settings)
    return tenant.id, dict(tenant.headers), "tenant API key (nexus.testing.make_tenant)"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _records_sql(settings: Settings, tenant_id: UUID) -> str:
    owner, api = _quote(settings.db_owner_role), _quote(settings.db_api_role)
    # The owner role creates the table, as a plugin migration would, after `nexus migrate`
    # (so the baseline, connecting as the owner, is not subject to row-level security).
    # The policy is the kernel's tenant predicate; rows alternate between two tenants.
    return f"""
    set role {owner};
    create table bench_record (
        id integer primary key,
        tenant_id uuid not null,
        name text not null,
        amount bigint not null
    );
    insert into bench_record
        select i,
               case when i % 2 = 0 then '{tenant_id}'::uuid else '{_OTHER_TENANT_ID}'::uuid end,
               'record ' || i,
               i * 100
        from generate_series(1, {RECORDS}) as i;
    alter table bench_record enable row level security;
    create policy bench_record_tenant on bench_record
        using (tenant_id = nullif(current_setting('nexus.tenant_id', true), '')::uuid);
    grant select on bench_record to {api};
    reset role;
    analyze bench_record;
    """


async def _create_records(url: str, settings: Settings, tenant_id: UUID) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(_records_sql(settings, tenant_id))
    finally:
        await conn.close()


@contextmanager
def migrated_database(
    server_url: str, *, plugins: Sequence[object] | None, records: bool = False
) -> Iterator[BenchDatabase]:
    """Create a database, run ``nexus migrate`` and make a tenant; drop it all afterwards.

    Args:
        server_url: The PostgreSQL server to create it on.
        plugins: The plugins to migrate; ``None`` means every installed plugin.
        records: Also create and fill ``bench_record`` (even ids belong to the tenant).
    """
    with temporary_database(server_url, prefix="nexus_bench") as url:
        settings = Settings(database_url=url, log_level="warning")
        registry = load_plugins(settings, plugins=plugins)
        asyncio.run(migrate(settings, registry, database_url=url))
        tenant_id, headers, auth = _tenant(url, settings)
        if records:
            asyncio.run(_create_records(url, settings, tenant_id))
        yield BenchDatabase(url=url, tenant_id=tenant_id, headers=headers, auth=auth)


def _crm_sql(settings: Settings) -> list[str]:
    """Fill the CRM's tables for the tenant named in ``nexus.tenant_id``, as its owner.

    100 companies, 10 tags and :data:`CONTACTS` contacts with every column set, each with
    0 to 3 tags. The tables force row-level security, so the rows take the tenant from the
    setting (their ``tenant_id`` default) and the policy checks it.
    """
    return [
        f"set role {_quote(settings.db_owner_role)}",
        """insert into crm_company (id, name, domain, country, city)
            select gen_random_uuid(), 'Company ' || i, 'company' || i || '.example', 'DE',
                   'Berlin'
            from generate_series(1, 100) as i""",
        """insert into crm_tag (id, name, color)
            select gen_random_uuid(), 'Tag ' || i, '#E53935' from generate_series(1, 10) as i""",
        f"""insert into crm_contact (id, first_name, last_name, email, phone, job_title,
                                    company_id, notes, owner)
            select gen_random_uuid(), 'First ' || i, 'Last ' || i,
                   'contact' || i || '@example.com', '+4930' || lpad(i::text, 7, '0'),
                   'Job ' || i % 7, c.id, 'Met at the fair, wants a quote (' || i || ').',
                   'owner' || i % 5
            from generate_series(1, {CONTACTS}) as i
            join (select id, row_number() over (order by id) - 1 as n from crm_company) as c
              on c.n = i % 100""",
        """insert into crm_contact_tag (id, contact_id, tag_id)
            select gen_random_uuid(), c.id, t.id
            from (select id, row_number() over (order by id) as n from crm_contact) as c
            join (select id, row_number() over (order by id) as n from crm_tag) as t
              on t.n <= c.n % 4""",
        "reset role",
    ]


async def _create_contacts(url: str, settings: Settings, tenant_ids: Sequence[UUID]) -> None:
    conn = await asyncpg.connect(url)
    try:
        for tenant_id in tenant_ids:
            await conn.execute("select set_config('nexus.tenant_id', $1, false)", str(tenant_id))
            for statement in _crm_sql(settings):
                await conn.execute(statement)
        await conn.execute(
            "analyze crm_company; analyze crm_tag; analyze crm_contact; analyze crm_contact_tag"
        )
    finally:
        await conn.close()


async def _tagged_contact(url: str, tenant_id: UUID) -> UUID:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("select set_config('nexus.tenant_id', $1, false)", str(tenant_id))
        contact_id = await conn.fetchval(
            """select c.id from crm_contact c
                where c.tenant_id = $1
                  and (select count(*) from crm_contact_tag t
                        where t.tenant_id = c.tenant_id and t.contact_id = c.id) = 3
                order by c.id offset 10 limit 1""",
            tenant_id,
        )
    finally:
        await conn.close()
    return UUID(str(contact_id))


def crm_contacts(db: BenchDatabase) -> UUID:
    """Fill the CRM's tables for ``db``'s tenant and another; return a contact with 3 tags.

    The CRM's migrations must have run on ``db``.
    """
    settings = Settings(database_url=db.url, log_level="warning")
    asyncio.run(_create_contacts(db.url, settings, [db.tenant_id, _OTHER_TENANT_ID]))
    return asyncio.run(_tagged_contact(db.url, db.tenant_id))
