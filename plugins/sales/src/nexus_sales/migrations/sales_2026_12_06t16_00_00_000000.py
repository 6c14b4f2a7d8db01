from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the sales tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
_QTY = "numeric(20, 6) not null default 0"
_LINE = f"""
        position integer not null,
        product_id uuid,
        description text not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        unit_price numeric(20, 6) not null check (unit_price >= 0),
        discount_percent numeric(7, 4) not null default 0
            check (discount_percent between 0 and 100),
        tax_ids uuid[],
        subtotal {_QTY},
        tax_amount {_QTY}"""
_PARTNER = """
        partner_id uuid,
        partner_ref uuid,
        partner_name text not null,
        currency char(3) not null"""

STATEMENTS = [
    f"""
    create table sales_sequence (
        {_TENANT},
        id uuid not null,
        kind text not null,
        last integer not null default 0,
        primary key (tenant_id, id),
        unique (tenant_id, kind)
    )""",
    f"""
    create table sales_quotation (
        {_TENANT},
        id uuid not null,
        number text not null,
        version integer not null default 1 check (version >= 1),
        state text not null default 'draft' check (state in
            ('draft', 'sent', 'accepted', 'declined', 'expired', 'superseded')),{_PARTNER},
        validity_date date not null,
        payment_terms text not null default '',
        notes text not null default '',
        deal_id uuid,
        previous_id uuid,
        untaxed_total {_QTY},
        tax_total {_QTY},
        total {_QTY},
        created_at timestamptz not null default now(),
        sent_at timestamptz,
        decided_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, number, version),
        foreign key (tenant_id, previous_id) references sales_quotation (tenant_id, id)
            on delete cascade
    )""",
    # A won deal drafts one quotation, however often its event is delivered.
    "create unique index sales_quotation_deal on sales_quotation (tenant_id, deal_id) "
    "where deal_id is not null and version = 1",
    f"""
    create table sales_quotation_line (
        {_TENANT},
        id uuid not null,
        quotation_id uuid not null,{_LINE},
        primary key (tenant_id, id),
        foreign key (tenant_id, quotation_id) references sales_quotation (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table sales_order (
        {_TENANT},
        id uuid not null,
        number text not null,
        state text not null default 'draft' check (state in ('draft', 'confirmed',
            'partially_delivered', 'delivered', 'partially_invoiced', 'invoiced', 'done',
            'cancelled')),{_PARTNER},
        quotation_id uuid,
        deal_id uuid,
        payment_terms text not null default '',
        invoice_seq integer not null default 0,
        created_at timestamptz not null default now(),
        confirmed_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, number),
        unique (tenant_id, quotation_id),
        foreign key (tenant_id, quotation_id) references sales_quotation (tenant_id, id)
            on delete cascade
    )""",
    "create unique index sales_order_deal on sales_order (tenant_id, deal_id) "
    "where deal_id is not null",
    f"""
    create table sales_order_line (
        {_TENANT},
        id uuid not null,
        order_id uuid not null,{_LINE},
        reserved {_QTY},
        delivered {_QTY},
        returned {_QTY},
        invoiced {_QTY},
        primary key (tenant_id, id),
        foreign key (tenant_id, order_id) references sales_order (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table sales_delivery (
        {_TENANT},
        id uuid not null,
        order_id uuid not null,
        number text not null,
        value {_QTY},
        currency char(3),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, number),
        foreign key (tenant_id, order_id) references sales_order (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table sales_delivery_line (
        {_TENANT},
        id uuid not null,
        delivery_id uuid not null,
        order_line_id uuid not null,
        product_id uuid not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        backordered {_QTY},
        unit_cost {_QTY},
        value {_QTY},
        currency char(3),
        move_id uuid,
        returned {_QTY},
        primary key (tenant_id, id),
        foreign key (tenant_id, delivery_id) references sales_delivery (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, order_line_id) references sales_order_line (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table sales_return (
        {_TENANT},
        id uuid not null,
        delivery_id uuid not null,
        order_id uuid not null,
        number text not null,
        value {_QTY},
        credit_note_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, number),
        foreign key (tenant_id, delivery_id) references sales_delivery (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, order_id) references sales_order (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table sales_return_line (
        {_TENANT},
        id uuid not null,
        return_id uuid not null,
        delivery_line_id uuid not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        unit_cost {_QTY},
        value {_QTY},
        primary key (tenant_id, id),
        foreign key (tenant_id, return_id) references sales_return (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, delivery_line_id) references sales_delivery_line (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table sales_invoice (
        {_TENANT},
        id uuid not null,
        order_id uuid not null,
        document_id uuid not null,
        kind text not null check (kind in ('invoice', 'credit_note')),
        source_ref text not null,
        return_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, source_ref),
        foreign key (tenant_id, order_id) references sales_order (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, return_id) references sales_return (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table sales_invoice_line (
        {_TENANT},
        id uuid not null,
        invoice_id uuid not null,
        order_line_id uuid not null,
        quantity numeric(20, 6) not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, invoice_id) references sales_invoice (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, order_line_id) references sales_order_line (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table sales_product_policy (
        {_TENANT},
        id uuid not null,
        product_id uuid not null,
        policy text not null check (policy in ('order', 'delivery')),
        primary key (tenant_id, id),
        unique (tenant_id, product_id)
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="sales", description=DESCRIPTION)

    async def create() -> None:
        from nexus_sales.tables import Quotation

        for statement in STATEMENTS:
            await Quotation.raw(statement)

    manager.add_raw(create)
    return manager
