from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the payments tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
_PROVIDER = "provider text not null check (provider in ('stripe', 'paystack', 'flutterwave'))"

STATEMENTS = [
    f"""
    create table payments_tenant (
        {_TENANT},
        id uuid not null,
        slug text not null,
        primary key (tenant_id, id),
        unique (tenant_id)
    )""",
    f"""
    create table payments_account (
        {_TENANT},
        id uuid not null,
        {_PROVIDER},
        config_enc text not null,
        currencies text[] not null default array[]::text[],
        is_default boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, provider)
    )""",
    # open → paid | failed | expired. One open checkout per (source, source_ref): a retry
    # of the caller answers it (or the paid one). A late payment of an expired checkout is
    # still recorded (the money was taken), so two paid ones of a source can exist.
    f"""
    create table payments_checkout (
        {_TENANT},
        id uuid not null,
        source text not null,
        source_ref text not null,
        amount numeric(20, 6) not null check (amount > 0),
        currency text not null,
        description text not null,
        customer jsonb not null default jsonb_build_object(),
        invoice_id uuid,
        {_PROVIDER},
        methods text[],
        return_url text,
        metadata jsonb not null default jsonb_build_object(),
        status text not null default 'open'
            check (status in ('open', 'paid', 'failed', 'expired')),
        provider_ref text,
        provider_url text,
        failure text,
        expires_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    "create unique index payments_checkout_source on payments_checkout "
    "(tenant_id, source, source_ref) where status = 'open'",
    "create index payments_checkout_ref on payments_checkout (tenant_id, provider, provider_ref)",
    f"""
    create table payments_payment (
        {_TENANT},
        id uuid not null,
        checkout_id uuid not null,
        {_PROVIDER},
        provider_ref text not null,
        amount numeric(20, 6) not null check (amount > 0),
        currency text not null,
        fee numeric(20, 6) not null default 0 check (fee >= 0),
        net numeric(20, 6) not null,
        refunded numeric(20, 6) not null default 0 check (refunded >= 0 and refunded <= amount),
        method text not null,
        confirmed_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, checkout_id),
        foreign key (tenant_id, checkout_id) references payments_checkout (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table payments_refund (
        {_TENANT},
        id uuid not null,
        payment_id uuid not null,
        amount numeric(20, 6) not null check (amount > 0),
        currency text not null,
        reason text,
        status text not null check (status in ('pending', 'completed', 'failed')),
        provider_ref text,
        created_at timestamptz not null default now(),
        completed_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, payment_id) references payments_payment (tenant_id, id)
            on delete cascade
    )""",
    "create index payments_refund_payment on payments_refund (tenant_id, payment_id)",
    f"""
    create table payments_webhook_event (
        {_TENANT},
        id uuid not null,
        {_PROVIDER},
        event_id text not null,
        kind text not null,
        outcome text not null,
        received_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, provider, event_id)
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="payments", description=DESCRIPTION)

    async def create() -> None:
        from nexus_payments.tables import Checkout

        for statement in STATEMENTS:
            await Checkout.raw(statement)

    manager.add_raw(create)
    return manager
