"""Create the bank statement tables: statements, their lines, matches, CSV mappings, rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create finance bank statement tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
_MONEY = "numeric(24, 6)"
# Checked at commit: a purge deletes the tables in any order within one transaction.
_DEFERRED = "deferrable initially deferred"

STATEMENTS = [
    f"""create table finance_bank_statement (
        {_TENANT}, id uuid not null,
        journal_id uuid not null,
        name text not null,
        account_number text,
        format text not null check (format in ('camt053', 'ofx', 'csv')),
        currency text not null,
        date_from date not null,
        date_to date not null check (date_to >= date_from),
        opening_balance {_MONEY} not null,
        closing_balance {_MONEY} not null,
        content_hash text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, journal_id, content_hash),
        foreign key (tenant_id, journal_id) references finance_journal (tenant_id, id)
            {_DEFERRED}
    )""",
    "create index finance_bank_statement_journal on finance_bank_statement "
    "(tenant_id, journal_id, date_to)",
    f"""create table finance_statement_line (
        {_TENANT}, id uuid not null,
        statement_id uuid not null,
        journal_id uuid not null,
        line_no integer not null,
        date date not null,
        amount {_MONEY} not null check (amount <> 0),
        currency text not null,
        counterparty_name text,
        counterparty_account text,
        reference text,
        unique_id text,
        state text not null default 'open' check (state in ('open', 'reconciled')),
        method text check (method in ('match', 'payment', 'entry', 'rule')),
        payment_id uuid,
        entry_id uuid,
        reconciled_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, statement_id) references finance_bank_statement (tenant_id, id)
            on delete cascade {_DEFERRED},
        foreign key (tenant_id, journal_id) references finance_journal (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, payment_id) references finance_payment (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, entry_id) references finance_entry (tenant_id, id)
            {_DEFERRED}
    )""",
    "create unique index finance_statement_line_unique_id on finance_statement_line "
    "(tenant_id, journal_id, unique_id) where unique_id is not null",
    "create index finance_statement_line_statement on finance_statement_line "
    "(tenant_id, statement_id, line_no)",
    "create index finance_statement_line_open on finance_statement_line "
    "(tenant_id, journal_id, state, date)",
    f"""create table finance_statement_match (
        {_TENANT}, id uuid not null,
        statement_line_id uuid not null,
        entry_line_id uuid not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, entry_line_id),
        foreign key (tenant_id, statement_line_id) references finance_statement_line
            (tenant_id, id) on delete cascade {_DEFERRED},
        foreign key (tenant_id, entry_line_id) references finance_entry_line (tenant_id, id)
            on delete cascade {_DEFERRED}
    )""",
    "create index finance_statement_match_line on finance_statement_match "
    "(tenant_id, statement_line_id)",
    f"""create table finance_bank_csv_mapping (
        {_TENANT}, id uuid not null,
        journal_id uuid not null,
        date_column text not null,
        amount_column text,
        debit_column text,
        credit_column text,
        description_column text,
        reference_column text,
        counterparty_column text,
        counterparty_account_column text,
        unique_id_column text,
        date_format text not null,
        decimal_separator text not null check (decimal_separator in ('.', ',')),
        delimiter text not null,
        currency text,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, journal_id),
        check ((amount_column is not null) or (debit_column is not null
            and credit_column is not null)),
        foreign key (tenant_id, journal_id) references finance_journal (tenant_id, id)
            {_DEFERRED}
    )""",
    f"""create table finance_bank_rule (
        {_TENANT}, id uuid not null,
        name text not null,
        journal_id uuid,
        text_contains text,
        direction text not null default 'any' check (direction in ('in', 'out', 'any')),
        amount_min {_MONEY},
        amount_max {_MONEY},
        account_id uuid not null,
        partner_id uuid,
        description text,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, journal_id) references finance_journal (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, account_id) references finance_account (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, partner_id) references finance_partner (tenant_id, id)
            {_DEFERRED}
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="finance", description=DESCRIPTION)

    async def create() -> None:
        from nexus_finance.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(create)
    return manager
