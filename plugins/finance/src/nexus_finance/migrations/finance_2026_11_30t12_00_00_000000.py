"""Create the Finance tables: chart, periods, journals, entries, taxes, documents, payments."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create finance tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
_MONEY = "numeric(24, 6)"
# Checked at commit: a purge deletes the tables in any order within one transaction.
_DEFERRED = "deferrable initially deferred"

STATEMENTS = [
    f"""create table finance_company (
        {_TENANT}, id uuid not null,
        base_currency text not null check (base_currency ~ '^[A-Z][A-Z][A-Z]$'),
        chart_template text not null,
        fiscal_year_start_month integer not null check (fiscal_year_start_month between 1 and 12),
        seeded_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id)
    )""",
    f"""create table finance_account (
        {_TENANT}, id uuid not null,
        code text not null,
        name text not null,
        type text not null check (type in ('asset', 'liability', 'equity', 'income', 'expense')),
        subtype text,
        currency text,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, code)
    )""",
    f"""create table finance_fiscal_year (
        {_TENANT}, id uuid not null,
        name text not null,
        start_date date not null,
        end_date date not null check (end_date >= start_date),
        primary key (tenant_id, id)
    )""",
    f"""create table finance_period (
        {_TENANT}, id uuid not null,
        fiscal_year_id uuid not null,
        name text not null,
        start_date date not null,
        end_date date not null check (end_date >= start_date),
        state text not null default 'open' check (state in ('open', 'closed')),
        closed_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, fiscal_year_id) references finance_fiscal_year (tenant_id, id)
            on delete cascade {_DEFERRED}
    )""",
    "create index finance_period_dates on finance_period (tenant_id, start_date, end_date)",
    f"""create table finance_journal (
        {_TENANT}, id uuid not null,
        code text not null,
        name text not null,
        type text not null check (type in ('sale', 'purchase', 'bank', 'cash', 'general')),
        default_account_id uuid,
        primary key (tenant_id, id),
        unique (tenant_id, code),
        foreign key (tenant_id, default_account_id) references finance_account (tenant_id, id)
            {_DEFERRED}
    )""",
    f"""create table finance_tax (
        {_TENANT}, id uuid not null,
        name text not null,
        scope text not null check (scope in ('sale', 'purchase')),
        rate numeric(9, 4) not null check (rate >= 0 and rate < 1000),
        price_include boolean not null default false,
        account_id uuid not null,
        active boolean not null default true,
        primary key (tenant_id, id),
        foreign key (tenant_id, account_id) references finance_account (tenant_id, id)
            {_DEFERRED}
    )""",
    f"""create table finance_partner (
        {_TENANT}, id uuid not null,
        name text not null,
        kind text not null check (kind in ('customer', 'supplier', 'both')),
        email text,
        partner_ref uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    "create unique index finance_partner_ref on finance_partner (tenant_id, partner_ref) "
    "where partner_ref is not null",
    f"""create table finance_rate (
        {_TENANT}, id uuid not null,
        currency text not null,
        rate_date date not null,
        rate numeric(24, 10) not null check (rate > 0),
        primary key (tenant_id, id),
        unique (tenant_id, currency, rate_date)
    )""",
    f"""create table finance_entry (
        {_TENANT}, id uuid not null,
        journal_id uuid not null,
        number text not null,
        date date not null,
        reference text,
        memo text,
        source text not null default 'manual',
        source_ref text,
        reversal_of uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, number),
        unique (tenant_id, source_ref),
        foreign key (tenant_id, journal_id) references finance_journal (tenant_id, id)
            {_DEFERRED}
    )""",
    f"""create table finance_entry_line (
        {_TENANT}, id uuid not null,
        entry_id uuid not null,
        line_no integer not null,
        account_id uuid not null,
        partner_id uuid,
        description text,
        currency text not null,
        debit {_MONEY} not null default 0 check (debit >= 0),
        credit {_MONEY} not null default 0 check (credit >= 0),
        rate numeric(24, 10) not null,
        base_debit {_MONEY} not null default 0 check (base_debit >= 0),
        base_credit {_MONEY} not null default 0 check (base_credit >= 0),
        date date not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, entry_id) references finance_entry (tenant_id, id)
            on delete cascade {_DEFERRED},
        foreign key (tenant_id, account_id) references finance_account (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, partner_id) references finance_partner (tenant_id, id)
            {_DEFERRED}
    )""",
    "create index finance_entry_line_account on finance_entry_line (tenant_id, account_id, date)",
    "create index finance_entry_line_entry on finance_entry_line (tenant_id, entry_id)",
    f"""create table finance_invoice (
        {_TENANT}, id uuid not null,
        kind text not null check (kind in ('invoice', 'bill', 'credit_note')),
        direction text not null check (direction in ('sale', 'purchase')),
        number text,
        state text not null default 'draft' check (state in
            ('draft', 'posted', 'partially_paid', 'paid', 'reversed', 'cancelled')),
        partner_id uuid not null,
        date date not null,
        due_date date not null,
        currency text not null,
        rate numeric(24, 10),
        untaxed_total {_MONEY} not null default 0,
        tax_total {_MONEY} not null default 0,
        total {_MONEY} not null default 0,
        amount_paid {_MONEY} not null default 0,
        reference text,
        notes text,
        reversal_of uuid,
        entry_id uuid,
        source_ref text,
        posted_at timestamptz,
        paid_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, number),
        unique (tenant_id, source_ref),
        foreign key (tenant_id, partner_id) references finance_partner (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, entry_id) references finance_entry (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, reversal_of) references finance_invoice (tenant_id, id)
            {_DEFERRED}
    )""",
    "create index finance_invoice_open on finance_invoice (tenant_id, state, due_date)",
    f"""create table finance_invoice_line (
        {_TENANT}, id uuid not null,
        invoice_id uuid not null,
        line_no integer not null,
        description text not null,
        quantity numeric(24, 6) not null,
        unit_price {_MONEY} not null,
        account_id uuid not null,
        tax_id uuid,
        product_id uuid,
        sku text,
        subtotal {_MONEY} not null,
        tax_amount {_MONEY} not null,
        total {_MONEY} not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, invoice_id) references finance_invoice (tenant_id, id)
            on delete cascade {_DEFERRED},
        foreign key (tenant_id, account_id) references finance_account (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, tax_id) references finance_tax (tenant_id, id)
            {_DEFERRED}
    )""",
    "create index finance_invoice_line_invoice on finance_invoice_line (tenant_id, invoice_id)",
    f"""create table finance_payment (
        {_TENANT}, id uuid not null,
        partner_id uuid not null,
        direction text not null check (direction in ('inbound', 'outbound')),
        date date not null,
        amount {_MONEY} not null check (amount > 0),
        currency text not null,
        journal_id uuid not null,
        entry_id uuid not null,
        reference text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, partner_id) references finance_partner (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, journal_id) references finance_journal (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, entry_id) references finance_entry (tenant_id, id)
            {_DEFERRED}
    )""",
    f"""create table finance_payment_allocation (
        {_TENANT}, id uuid not null,
        payment_id uuid,
        credit_note_id uuid,
        invoice_id uuid not null,
        amount {_MONEY} not null check (amount > 0),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check ((payment_id is null) <> (credit_note_id is null)),
        foreign key (tenant_id, payment_id) references finance_payment (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, credit_note_id) references finance_invoice (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, invoice_id) references finance_invoice (tenant_id, id)
            {_DEFERRED}
    )""",
    "create index finance_allocation_invoice on finance_payment_allocation (tenant_id, invoice_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="finance", description=DESCRIPTION)

    async def create() -> None:
        from nexus_finance.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(create)
    return manager
