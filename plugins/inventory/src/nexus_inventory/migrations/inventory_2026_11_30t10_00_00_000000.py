from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the inventory tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    f"""
    create table inventory_product (
        {_TENANT},
        id uuid not null,
        sku text not null check (length(sku) between 1 and 64),
        name text not null,
        uom text not null default 'unit',
        cost_price numeric(20, 6) not null default 0 check (cost_price >= 0),
        sale_price numeric(20, 6) not null default 0 check (sale_price >= 0),
        currency char(3) not null,
        tracked boolean not null default true,
        active boolean not null default true,
        average_cost numeric(20, 6) not null default 0,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, sku)
    )""",
    f"""
    create table inventory_warehouse (
        {_TENANT},
        id uuid not null,
        code text not null check (length(code) between 1 and 16),
        name text not null,
        stock_location_id uuid,
        is_default boolean not null default false,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, code)
    )""",
    "create unique index inventory_warehouse_one_default on inventory_warehouse (tenant_id) "
    "where is_default",
    f"""
    create table inventory_location (
        {_TENANT},
        id uuid not null,
        name text not null,
        kind text not null check (kind in ('internal', 'supplier', 'customer', 'adjustment')),
        warehouse_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, warehouse_id) references inventory_warehouse (tenant_id, id)
            on delete cascade,
        check ((kind = 'internal') or warehouse_id is null)
    )""",
    # One location of each virtual kind per tenant.
    "create unique index inventory_location_one_virtual on inventory_location (tenant_id, kind) "
    "where kind <> 'internal'",
    f"""
    create table inventory_quant (
        {_TENANT},
        id uuid not null,
        product_id uuid not null,
        location_id uuid not null,
        quantity numeric(20, 6) not null default 0,
        primary key (tenant_id, id),
        unique (tenant_id, product_id, location_id),
        foreign key (tenant_id, product_id) references inventory_product (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, location_id) references inventory_location (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table inventory_move (
        {_TENANT},
        id uuid not null,
        kind text not null check (kind in ('receipt', 'delivery', 'internal', 'adjustment')),
        state text not null default 'draft'
            check (state in ('draft', 'done', 'cancelled', 'failed')),
        product_id uuid not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        from_location_id uuid not null,
        to_location_id uuid not null check (to_location_id <> from_location_id),
        reference text,
        origin text,
        unit_cost numeric(20, 6),
        value numeric(20, 6),
        currency char(3),
        failure_reason text,
        created_at timestamptz not null default now(),
        done_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, product_id) references inventory_product (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, from_location_id) references inventory_location (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, to_location_id) references inventory_location (tenant_id, id)
            on delete cascade
    )""",
    "create index inventory_move_product on inventory_move (tenant_id, product_id, id)",
    # What made an automatic move (an invoice line): at most one move per origin.
    "create unique index inventory_move_origin on inventory_move (tenant_id, origin) "
    "where origin is not null",
    f"""
    create table inventory_reservation (
        {_TENANT},
        id uuid not null,
        product_id uuid not null,
        location_id uuid not null,
        quantity numeric(20, 6) not null check (quantity > 0),
        reference text not null,
        state text not null default 'active' check (state in ('active', 'released', 'consumed')),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, product_id) references inventory_product (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, location_id) references inventory_location (tenant_id, id)
            on delete cascade
    )""",
    "create index inventory_reservation_active on inventory_reservation "
    "(tenant_id, product_id, location_id) where state = 'active'",
    f"""
    create table inventory_reorder_rule (
        {_TENANT},
        id uuid not null,
        product_id uuid not null,
        location_id uuid not null,
        minimum numeric(20, 6) not null check (minimum >= 0),
        maximum numeric(20, 6) not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, product_id, location_id),
        check (maximum >= minimum),
        foreign key (tenant_id, product_id) references inventory_product (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, location_id) references inventory_location (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table inventory_valuation_entry (
        {_TENANT},
        id uuid not null,
        move_id uuid not null,
        product_id uuid not null,
        kind text not null,
        quantity numeric(20, 6) not null,
        unit_cost numeric(20, 6) not null,
        value numeric(20, 6) not null,
        currency char(3) not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, move_id),
        foreign key (tenant_id, move_id) references inventory_move (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, product_id) references inventory_product (tenant_id, id)
            on delete cascade
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="inventory", description=DESCRIPTION)

    async def create() -> None:
        from nexus_inventory.tables import Product

        for statement in STATEMENTS:
            await Product.raw(statement)

    manager.add_raw(create)
    return manager
