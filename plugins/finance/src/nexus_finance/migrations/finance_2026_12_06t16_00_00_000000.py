"""Taxes per company, product and partner: default taxes, product taxes, fiscal positions."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "default taxes, product taxes, fiscal positions, tax-exempt partners"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
# Checked at commit: a purge deletes the tables in any order within one transaction.
_DEFERRED = "deferrable initially deferred"

STATEMENTS = [
    # The company's default sales (and purchase) tax: at most one per scope.
    "alter table finance_tax add column is_default boolean not null default false",
    "create unique index finance_tax_default on finance_tax (tenant_id, scope) where is_default",
    f"""create table finance_product_tax (
        {_TENANT}, id uuid not null,
        product_id uuid not null,
        sale_tax_ids uuid[] not null default array[]::uuid[],
        purchase_tax_ids uuid[] not null default array[]::uuid[],
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, product_id)
    )""",
    f"""create table finance_fiscal_position (
        {_TENANT}, id uuid not null,
        name text not null,
        auto_apply boolean not null default false,
        countries text[] not null default array[]::text[],
        vat_required boolean not null default false,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""create table finance_fiscal_position_tax (
        {_TENANT}, id uuid not null,
        fiscal_position_id uuid not null,
        source_tax_id uuid not null,
        dest_tax_id uuid,
        primary key (tenant_id, id),
        unique (tenant_id, fiscal_position_id, source_tax_id),
        foreign key (tenant_id, fiscal_position_id) references finance_fiscal_position
            (tenant_id, id) on delete cascade {_DEFERRED},
        foreign key (tenant_id, source_tax_id) references finance_tax (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, dest_tax_id) references finance_tax (tenant_id, id)
            {_DEFERRED}
    )""",
    "alter table finance_partner add column tax_exempt boolean not null default false",
    "alter table finance_partner add column fiscal_position_id uuid",
    f"alter table finance_partner add foreign key (tenant_id, fiscal_position_id) "
    f"references finance_fiscal_position (tenant_id, id) {_DEFERRED}",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="finance", description=DESCRIPTION)

    async def create() -> None:
        from nexus_finance.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(create)
    return manager
