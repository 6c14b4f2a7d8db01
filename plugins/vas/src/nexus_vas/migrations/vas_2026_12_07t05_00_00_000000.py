from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the VAS tables: providers, wallets, wallet entries, transactions"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
_KIND = "kind text not null check (kind in ('airtime', 'data', 'bill'))"

STATEMENTS = [
    # The tenant's slug (from nexus_tenant_enable), for the URLs providers call back.
    f"""
    create table vas_tenant (
        {_TENANT},
        id uuid not null,
        slug text not null,
        primary key (tenant_id, id),
        unique (tenant_id)
    )""",
    f"""
    create table vas_provider (
        {_TENANT},
        id uuid not null,
        provider text not null check (provider in ('africastalking', 'flutterwave')),
        config_enc text not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, provider)
    )""",
    # The prepaid wallet: one per currency. The balance never goes below zero: purchases
    # debit it with a conditional update, and the check refuses whatever slips past.
    f"""
    create table vas_wallet (
        {_TENANT},
        id uuid not null,
        currency text not null check (currency ~ '^[A-Z][A-Z][A-Z]$'),
        balance numeric(20, 6) not null default 0 check (balance >= 0),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, currency)
    )""",
    # VAS's own ledger: every change of a balance, once per (kind, reference).
    f"""
    create table vas_wallet_entry (
        {_TENANT},
        id uuid not null,
        wallet_id uuid not null,
        kind text not null check (kind in ('funding', 'purchase', 'reversal')),
        amount numeric(20, 6) not null check (amount <> 0),
        balance numeric(20, 6) not null check (balance >= 0),
        reference text not null check (length(reference) between 1 and 200),
        transaction_id uuid,
        note text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, kind, reference),
        foreign key (tenant_id, wallet_id) references vas_wallet (tenant_id, id)
    )""",
    "create index vas_wallet_entry_wallet on vas_wallet_entry (tenant_id, wallet_id, id)",
    # A purchase: pending (debited, not yet taken by the provider) → submitted (taken) →
    # succeeded | failed (credited back).
    f"""
    create table vas_transaction (
        {_TENANT},
        id uuid not null,
        {_KIND},
        provider text not null,
        idempotency_key text not null check (length(idempotency_key) between 1 and 200),
        recipient text not null,
        amount numeric(20, 6) not null check (amount > 0),
        currency text not null,
        price numeric(20, 6) check (price >= 0),
        product jsonb not null default jsonb_build_object(),
        description text not null,
        status text not null default 'pending'
            check (status in ('pending', 'submitted', 'succeeded', 'failed')),
        provider_ref text,
        provider_status text,
        error text,
        completed_at timestamptz,
        reversed_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, idempotency_key)
    )""",
    "create index vas_transaction_ref on vas_transaction (tenant_id, provider, provider_ref)",
    "create index vas_transaction_day on vas_transaction (tenant_id, created_at)",
    "create index vas_transaction_recipient on vas_transaction (tenant_id, recipient, created_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="vas", description=DESCRIPTION)

    async def create() -> None:
        from nexus_vas.tables import Wallet

        for statement in STATEMENTS:
            await Wallet.raw(statement)

    manager.add_raw(create)
    return manager
