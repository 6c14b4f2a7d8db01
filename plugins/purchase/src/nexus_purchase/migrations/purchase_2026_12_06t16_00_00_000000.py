from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the purchase tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
_QTY = "numeric(20, 6)"

STATEMENTS = [
    f"""
    create table purchase_vendor (
        {_TENANT},
        id uuid not null,
        name text not null,
        email text,
        country char(2),
        tax_id text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table purchase_vendor_product (
        {_TENANT},
        id uuid not null,
        vendor_id uuid not null,
        product_id uuid not null,
        price {_QTY} not null check (price >= 0),
        currency char(3) not null,
        lead_time_days integer not null default 0 check (lead_time_days between 0 and 3650),
        preferred boolean not null default false,
        vendor_sku text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, vendor_id, product_id),
        foreign key (tenant_id, vendor_id) references purchase_vendor (tenant_id, id)
            on delete cascade
    )""",
    "create unique index purchase_vendor_product_one_preferred on purchase_vendor_product "
    "(tenant_id, product_id) where preferred",
    f"""
    create table purchase_order (
        {_TENANT},
        id uuid not null,
        number text not null,
        state text not null default 'draft' check (state in ('draft', 'sent', 'confirmed',
            'partially_received', 'received', 'billed', 'cancelled')),
        vendor_id uuid not null,
        currency char(3) not null,
        order_date date not null default current_date,
        notes text,
        origin text,
        sent_at timestamptz,
        confirmed_at timestamptz,
        cancelled_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, number),
        foreign key (tenant_id, vendor_id) references purchase_vendor (tenant_id, id)
            on delete cascade
    )""",
    "create index purchase_order_vendor_state on purchase_order (tenant_id, vendor_id, state)",
    f"""
    create table purchase_order_line (
        {_TENANT},
        id uuid not null,
        order_id uuid not null,
        position integer not null,
        product_id uuid,
        sku text,
        tracked boolean not null default false,
        description text not null,
        quantity {_QTY} not null check (quantity > 0),
        unit_price {_QTY} not null check (unit_price >= 0),
        tax_ids uuid[],
        expected_date date,
        received {_QTY} not null default 0,
        billed {_QTY} not null default 0,
        primary key (tenant_id, id),
        foreign key (tenant_id, order_id) references purchase_order (tenant_id, id)
            on delete cascade
    )""",
    "create index purchase_order_line_order on purchase_order_line (tenant_id, order_id)",
    f"""
    create table purchase_receipt (
        {_TENANT},
        id uuid not null,
        order_id uuid not null,
        number text not null,
        date date not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, number),
        foreign key (tenant_id, order_id) references purchase_order (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table purchase_receipt_line (
        {_TENANT},
        id uuid not null,
        receipt_id uuid not null,
        order_line_id uuid not null,
        quantity {_QTY} not null check (quantity > 0),
        unit_cost {_QTY} not null,
        value {_QTY},
        move_id uuid,
        primary key (tenant_id, id),
        foreign key (tenant_id, receipt_id) references purchase_receipt (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, order_line_id) references purchase_order_line (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table purchase_bill (
        {_TENANT},
        id uuid not null,
        order_id uuid not null,
        vendor_reference text not null,
        date date not null,
        state text not null check (state in ('held', 'posted')),
        matched boolean not null,
        approved_at timestamptz,
        document_id uuid,
        document_number text,
        credit_document_id uuid,
        untaxed_total {_QTY},
        tax_total {_QTY},
        total {_QTY},
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, order_id, vendor_reference),
        foreign key (tenant_id, order_id) references purchase_order (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table purchase_bill_line (
        {_TENANT},
        id uuid not null,
        bill_id uuid not null,
        order_line_id uuid not null,
        quantity {_QTY} not null check (quantity > 0),
        unit_price {_QTY} not null check (unit_price >= 0),
        ordered_price {_QTY} not null,
        received {_QTY} not null,
        quantity_difference {_QTY} not null,
        price_difference {_QTY} not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, bill_id) references purchase_bill (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, order_line_id) references purchase_order_line (tenant_id, id)
            on delete cascade
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="purchase", description=DESCRIPTION)

    async def create() -> None:
        from nexus_purchase.tables import Vendor

        for statement in STATEMENTS:
            await Vendor.raw(statement)

    manager.add_raw(create)
    return manager
