"""Create the CRM tables.

Every table is keyed by ``(tenant_id, id)`` and every reference includes ``tenant_id``, so
a row can only point at rows of its own tenant; the kernel adds row-level security after
the run. Contacts and companies carry a generated ``tsvector`` (``simple`` configuration:
names are not words of one language) with a GIN index for full-text search.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-30T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the crm tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = (
    f"""
    create table crm_company (
        {_TENANT},
        id uuid not null,
        name text not null,
        domain text,
        email text,
        phone text,
        country text check (country ~ '^[A-Z][A-Z]$'),
        city text,
        website text,
        notes text not null default '',
        owner text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        search tsvector generated always as (
            setweight(to_tsvector('simple'::regconfig, name), 'A')
            || setweight(to_tsvector('simple'::regconfig,
                coalesce(domain, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '')
            ), 'B')
            || setweight(to_tsvector('simple'::regconfig,
                coalesce(city, '') || ' ' || coalesce(website, '') || ' ' || notes
            ), 'C')
        ) stored,
        primary key (tenant_id, id)
    )
    """,
    "create index crm_company_search on crm_company using gin (search)",
    "create index crm_company_name on crm_company (tenant_id, lower(name))",
    f"""
    create table crm_contact (
        {_TENANT},
        id uuid not null,
        first_name text not null default '',
        last_name text not null,
        email text,
        phone text,
        job_title text,
        company_id uuid,
        notes text not null default '',
        owner text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        search tsvector generated always as (
            setweight(to_tsvector('simple'::regconfig, first_name || ' ' || last_name), 'A')
            || setweight(to_tsvector('simple'::regconfig,
                coalesce(email, '') || ' ' || coalesce(phone, '')
            ), 'B')
            || setweight(to_tsvector('simple'::regconfig,
                coalesce(job_title, '') || ' ' || notes
            ), 'C')
        ) stored,
        primary key (tenant_id, id),
        foreign key (tenant_id, company_id) references crm_company (tenant_id, id)
            on delete set null (company_id)
    )
    """,
    "create index crm_contact_search on crm_contact using gin (search)",
    "create index crm_contact_company on crm_contact (tenant_id, company_id)",
    "create index crm_contact_email on crm_contact (tenant_id, lower(email))",
    f"""
    create table crm_tag (
        {_TENANT},
        id uuid not null,
        name text not null,
        color text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )
    """,
    "create unique index crm_tag_name on crm_tag (tenant_id, lower(name))",
    f"""
    create table crm_company_tag (
        {_TENANT},
        id uuid not null,
        company_id uuid not null,
        tag_id uuid not null,
        primary key (tenant_id, id),
        unique (tenant_id, company_id, tag_id),
        foreign key (tenant_id, company_id) references crm_company (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, tag_id) references crm_tag (tenant_id, id) on delete cascade
    )
    """,
    "create index crm_company_tag_tag on crm_company_tag (tenant_id, tag_id)",
    f"""
    create table crm_contact_tag (
        {_TENANT},
        id uuid not null,
        contact_id uuid not null,
        tag_id uuid not null,
        primary key (tenant_id, id),
        unique (tenant_id, contact_id, tag_id),
        foreign key (tenant_id, contact_id) references crm_contact (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, tag_id) references crm_tag (tenant_id, id) on delete cascade
    )
    """,
    "create index crm_contact_tag_tag on crm_contact_tag (tenant_id, tag_id)",
    f"""
    create table crm_pipeline (
        {_TENANT},
        id uuid not null,
        name text not null,
        is_default boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )
    """,
    "create unique index crm_pipeline_one_default on crm_pipeline (tenant_id) where is_default",
    f"""
    create table crm_stage (
        {_TENANT},
        id uuid not null,
        pipeline_id uuid not null,
        name text not null,
        position integer not null,
        probability integer not null default 0 check (probability between 0 and 100),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, pipeline_id, id),
        foreign key (tenant_id, pipeline_id) references crm_pipeline (tenant_id, id)
            on delete cascade
    )
    """,
    "create index crm_stage_order on crm_stage (tenant_id, pipeline_id, position)",
    f"""
    create table crm_deal (
        {_TENANT},
        id uuid not null,
        title text not null,
        amount numeric not null,
        currency text not null check (currency ~ '^[A-Z][A-Z][A-Z]$'),
        expected_close date,
        owner text,
        pipeline_id uuid not null,
        stage_id uuid not null,
        status text not null default 'open' check (status in ('open', 'won', 'lost')),
        lost_reason text,
        company_id uuid,
        contact_id uuid,
        closed_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, pipeline_id, stage_id)
            references crm_stage (tenant_id, pipeline_id, id),
        foreign key (tenant_id, company_id) references crm_company (tenant_id, id)
            on delete set null (company_id),
        foreign key (tenant_id, contact_id) references crm_contact (tenant_id, id)
            on delete set null (contact_id)
    )
    """,
    "create index crm_deal_stage on crm_deal (tenant_id, pipeline_id, stage_id)",
    "create index crm_deal_company on crm_deal (tenant_id, company_id)",
    "create index crm_deal_contact on crm_deal (tenant_id, contact_id)",
    f"""
    create table crm_deal_line (
        {_TENANT},
        id uuid not null,
        deal_id uuid not null,
        position integer not null,
        description text not null,
        quantity numeric not null check (quantity > 0),
        unit_price numeric not null,
        product_id uuid,
        sku text,
        primary key (tenant_id, id),
        foreign key (tenant_id, deal_id) references crm_deal (tenant_id, id) on delete cascade
    )
    """,
    "create index crm_deal_line_deal on crm_deal_line (tenant_id, deal_id, position)",
    f"""
    create table crm_deal_stage_history (
        {_TENANT},
        id uuid not null,
        deal_id uuid not null,
        from_stage_id uuid,
        from_stage text,
        to_stage_id uuid not null,
        to_stage text not null,
        status text not null,
        actor text,
        changed_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, deal_id) references crm_deal (tenant_id, id) on delete cascade
    )
    """,
    "create index crm_deal_stage_history_deal on crm_deal_stage_history (tenant_id, deal_id)",
    f"""
    create table crm_activity (
        {_TENANT},
        id uuid not null,
        kind text not null check (kind in ('call', 'meeting', 'note', 'task')),
        subject text not null,
        note text not null default '',
        due_date date,
        done boolean not null default false,
        done_at timestamptz,
        owner text,
        contact_id uuid,
        company_id uuid,
        deal_id uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, contact_id) references crm_contact (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, company_id) references crm_company (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, deal_id) references crm_deal (tenant_id, id) on delete cascade
    )
    """,
    "create index crm_activity_contact on crm_activity (tenant_id, contact_id)",
    "create index crm_activity_company on crm_activity (tenant_id, company_id)",
    "create index crm_activity_deal on crm_activity (tenant_id, deal_id)",
    "create index crm_activity_due on crm_activity (tenant_id, due_date) where not done",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)

    async def create() -> None:
        from nexus_crm.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(create)
    return manager
