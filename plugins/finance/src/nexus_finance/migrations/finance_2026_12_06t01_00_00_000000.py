"""Reconciliation: allocations carry their date and exchange entry; removed ones are kept."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reconciliation: allocation dates, entries and history"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
_MONEY = "numeric(24, 6)"
# Checked at commit: a purge deletes the tables in any order within one transaction.
_DEFERRED = "deferrable initially deferred"

STATEMENTS = [
    # When an allocation took effect (null: the date of its payment or credit note), the
    # entry that moved it between accounts or realised its exchange difference, if any, and
    # what it settles in the document's currency when that is not the payment's (null: the
    # same amount).
    "alter table finance_payment_allocation add column date date, add column entry_id uuid, "
    f"add column document_amount {_MONEY} check (document_amount > 0)",
    f"""alter table finance_payment_allocation
        add foreign key (tenant_id, entry_id) references finance_entry (tenant_id, id)
            {_DEFERRED}""",
    "create index finance_allocation_payment on finance_payment_allocation "
    "(tenant_id, payment_id) where payment_id is not null",
    "create index finance_allocation_credit_note on finance_payment_allocation "
    "(tenant_id, credit_note_id) where credit_note_id is not null",
    # An un-reconciled allocation: what it was, from when until when, and the entry undoing
    # it, so reports at earlier dates still see it.
    f"""create table finance_allocation_removed (
        {_TENANT}, id uuid not null,
        payment_id uuid,
        credit_note_id uuid,
        invoice_id uuid not null,
        amount {_MONEY} not null check (amount > 0),
        document_amount {_MONEY} check (document_amount > 0),
        date date not null,
        removed_on date not null check (removed_on >= date),
        entry_id uuid,
        removal_entry_id uuid,
        created_at timestamptz not null,
        removed_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check ((payment_id is null) <> (credit_note_id is null)),
        foreign key (tenant_id, payment_id) references finance_payment (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, credit_note_id) references finance_invoice (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, invoice_id) references finance_invoice (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, entry_id) references finance_entry (tenant_id, id)
            {_DEFERRED},
        foreign key (tenant_id, removal_entry_id) references finance_entry (tenant_id, id)
            {_DEFERRED}
    )""",
    "create index finance_allocation_removed_invoice on finance_allocation_removed "
    "(tenant_id, invoice_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="finance", description=DESCRIPTION)

    async def create() -> None:
        from nexus_finance.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(create)
    return manager
