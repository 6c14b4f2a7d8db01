from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the shop tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
# No braces in the SQL: Piccolo's raw() reads them as placeholders.
_CURRENCY = "text not null check (currency ~ '^[A-Z][A-Z][A-Z]$')"


def _fk(column: str, table: str, action: str | None = None) -> str:
    # A composite key's plain SET NULL would null tenant_id too: name the column alone.
    action = action or f"on delete set null ({column})"
    return f"foreign key (tenant_id, {column}) references {table} (tenant_id, id) {action}"


STATEMENTS = [
    f"""
    create table shop_state (
        {_TENANT},
        id uuid not null,
        next_number bigint not null default 1,
        primary key (tenant_id, id)
    )""",
    "create unique index shop_state_one on shop_state (tenant_id)",
    f"""
    create table shop_category (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        slug text not null,
        parent_id uuid,
        position integer not null default 0,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, slug),
        {_fk("parent_id", "shop_category")}
    )""",
    # A listing's search column: the title weighs more than the SKU and the description.
    f"""
    create table shop_listing (
        {_TENANT},
        id uuid not null,
        product_id uuid not null,
        sku text not null,
        title text not null check (length(title) between 1 and 300),
        description text not null default '',
        category_id uuid,
        published boolean not null default false,
        language regconfig not null default 'english',
        search tsvector generated always as (
            setweight(to_tsvector(language, title), 'A') ||
            setweight(to_tsvector('simple', sku), 'A') ||
            setweight(to_tsvector(language, description), 'B')
        ) stored,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, product_id),
        {_fk("category_id", "shop_category")}
    )""",
    "create index shop_listing_search on shop_listing using gin (search)",
    "create index shop_listing_category on shop_listing (tenant_id, category_id, published)",
    f"""
    create table shop_image (
        {_TENANT},
        id uuid not null,
        listing_id uuid not null,
        blob_key text not null,
        content_type text not null,
        size bigint not null,
        position integer not null default 0,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_fk("listing_id", "shop_listing", "on delete cascade")}
    )""",
    "create index shop_image_listing on shop_image (tenant_id, listing_id, position)",
    f"""
    create table shop_price_list (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        currency {_CURRENCY},
        is_default boolean not null default false,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    "create unique index shop_price_list_default on shop_price_list (tenant_id, currency) "
    "where is_default",
    f"""
    create table shop_price (
        {_TENANT},
        id uuid not null,
        price_list_id uuid not null,
        product_id uuid not null,
        amount numeric(21, 6) not null check (amount >= 0),
        primary key (tenant_id, id),
        unique (tenant_id, price_list_id, product_id),
        {_fk("price_list_id", "shop_price_list", "on delete cascade")}
    )""",
    f"""
    create table shop_shipping_method (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        currency {_CURRENCY},
        rate numeric(21, 6) not null check (rate >= 0),
        free_over numeric(21, 6) check (free_over >= 0),
        countries text[] not null default array[]::text[],
        active boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table shop_discount (
        {_TENANT},
        id uuid not null,
        code text not null check (code ~ '^[A-Z0-9_-]+$' and length(code) between 2 and 40),
        kind text not null check (kind in ('percent', 'amount')),
        value numeric(21, 6) not null check (value > 0),
        currency text check (currency ~ '^[A-Z][A-Z][A-Z]$'),
        min_subtotal numeric(21, 6) check (min_subtotal >= 0),
        max_uses integer check (max_uses > 0),
        used integer not null default 0 check (max_uses is null or used <= max_uses),
        starts_at timestamptz,
        ends_at timestamptz,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, code),
        check (kind = 'percent' and value <= 100 and currency is null
               or kind = 'amount' and currency is not null)
    )""",
    f"""
    create table shop_cart (
        {_TENANT},
        id uuid not null,
        token_hash bytea not null,
        price_list_id uuid not null,
        currency {_CURRENCY},
        discount_id uuid,
        shipping_method_id uuid,
        customer text,
        status text not null check (status in ('open', 'ordered', 'abandoned')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, token_hash),
        {_fk("price_list_id", "shop_price_list", "on delete cascade")},
        {_fk("discount_id", "shop_discount")},
        {_fk("shipping_method_id", "shop_shipping_method")}
    )""",
    "create index shop_cart_open on shop_cart (tenant_id, status, updated_at)",
    # A signed-in customer has one open cart.
    "create unique index shop_cart_customer on shop_cart (tenant_id, customer) "
    "where status = 'open' and customer is not null",
    f"""
    create table shop_cart_line (
        {_TENANT},
        id uuid not null,
        cart_id uuid not null,
        product_id uuid not null,
        quantity numeric(18, 6) not null check (quantity > 0),
        primary key (tenant_id, id),
        unique (tenant_id, cart_id, product_id),
        {_fk("cart_id", "shop_cart", "on delete cascade")}
    )""",
    f"""
    create table shop_order (
        {_TENANT},
        id uuid not null,
        number text not null,
        cart_id uuid not null,
        status text not null check (status in (
            'pending_payment', 'paid', 'fulfilled', 'cancelled')),
        customer_email text not null,
        customer_name text not null,
        customer_phone text,
        customer text,
        address text not null,
        city text not null,
        postal_code text,
        country text not null,
        currency {_CURRENCY},
        subtotal numeric(21, 6) not null,
        discount_total numeric(21, 6) not null,
        shipping_total numeric(21, 6) not null,
        tax_total numeric(21, 6) not null,
        total numeric(21, 6) not null,
        discount_id uuid,
        shipping_method_id uuid,
        payment_method text not null
            check (payment_method in ('online', 'bank_transfer', 'cash_on_delivery')),
        invoice_id uuid,
        invoice_number text,
        credit_note_id uuid,
        checkout_id uuid,
        payment_url text,
        payment_id uuid,
        payment_error text,
        expires_at timestamptz not null,
        paid_at timestamptz,
        cancelled_at timestamptz,
        cancel_reason text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, number),
        unique (tenant_id, cart_id),
        {_fk("cart_id", "shop_cart", "on delete restrict")},
        {_fk("discount_id", "shop_discount")},
        {_fk("shipping_method_id", "shop_shipping_method")}
    )""",
    "create index shop_order_due on shop_order (tenant_id, status, expires_at)",
    "create index shop_order_customer on shop_order (tenant_id, customer) "
    "where customer is not null",
    f"""
    create table shop_order_line (
        {_TENANT},
        id uuid not null,
        order_id uuid not null,
        position integer not null,
        product_id uuid not null,
        sku text not null,
        description text not null,
        quantity numeric(18, 6) not null check (quantity > 0),
        unit_price numeric(21, 6) not null check (unit_price >= 0),
        primary key (tenant_id, id),
        unique (tenant_id, order_id, position),
        {_fk("order_id", "shop_order", "on delete cascade")}
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="shop", description=DESCRIPTION)

    async def create() -> None:
        from nexus_shop.tables import Order

        for statement in STATEMENTS:
            await Order.raw(statement)

    manager.add_raw(create)
    return manager
