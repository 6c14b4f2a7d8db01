"""Usage metered per tenant and period, for plans and billing (issue #31)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-07T21:35:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Usage counters: one row per tenant, period (YYYY-MM) and metric"

# Counters the process keeps in memory and adds here in batches (nexus.plans.UsageMeter);
# gauges (seats, storage, events) are read from their own tables when a report is made.
# closed_at marks a period whose usage was announced (nexus.usage.period_closed.v1).
# Row-level security is enforced on them as on every table with a tenant_id.
SQL = """
create table nexus_usage (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    period text not null check (period ~ '^[0-9]{4}-[0-9]{2}$'),
    metric text not null,
    value bigint not null default 0,
    updated_at timestamptz not null default now(),
    primary key (tenant_id, period, metric)
);
create table nexus_usage_period (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    period text not null check (period ~ '^[0-9]{4}-[0-9]{2}$'),
    closed_at timestamptz not null default now(),
    usage jsonb not null,
    primary key (tenant_id, period)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
