from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the support tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)


def _fk(column: str, table: str, action: str = "on delete set null") -> str:
    return f"foreign key (tenant_id, {column}) references {table} (tenant_id, id) {action}"


STATEMENTS = [
    # One row per tenant: the CSAT signing secret and the next ticket number.
    f"""
    create table support_state (
        {_TENANT},
        id uuid not null,
        secret bytea not null,
        next_number bigint not null default 1,
        primary key (tenant_id, id)
    )""",
    "create unique index support_state_one on support_state (tenant_id)",
    f"""
    create table support_calendar (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        time_zone text not null,
        weekdays smallint[] not null,
        opens time not null,
        closes time not null check (closes > opens),
        country text,
        subdivision text,
        closed_days date[] not null default array[]::date[],
        is_default boolean not null default false,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table support_team (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        assignment text not null check (assignment in ('round_robin', 'load', 'manual')),
        members uuid[] not null default array[]::uuid[],
        next_member integer not null default 0,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table support_queue (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        team_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_fk("team_id", "support_team")}
    )""",
    f"""
    create table support_contact (
        {_TENANT},
        id uuid not null,
        email text not null,
        name text not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    "create index support_contact_email on support_contact (tenant_id, lower(email))",
    f"""
    create table support_sla_policy (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
        tier text,
        first_response_minutes integer not null check (first_response_minutes > 0),
        resolution_minutes integer not null check (resolution_minutes > 0),
        warning_percent integer not null default 80 check (warning_percent between 1 and 99),
        calendar_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_fk("calendar_id", "support_calendar")}
    )""",
    "create index support_sla_policy_match on support_sla_policy (tenant_id, priority, tier)",
    f"""
    create table support_ticket (
        {_TENANT},
        id uuid not null,
        number bigint not null,
        subject text not null,
        status text not null check (status in ('new', 'open', 'pending', 'solved', 'merged')),
        priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
        tier text not null,
        channel text not null check (channel in ('api', 'web', 'email')),
        requester_email text,
        requester_name text,
        contact_ref uuid,
        team_id uuid,
        queue_id uuid,
        assignee uuid,
        tags text[] not null default array[]::text[],
        sla_policy_id uuid,
        sla_flags text[] not null default array[]::text[],
        merged_into uuid,
        first_responded_at timestamptz,
        solved_at timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, number),
        {_fk("team_id", "support_team")},
        {_fk("queue_id", "support_queue")},
        {_fk("sla_policy_id", "support_sla_policy")}
    )""",
    "create index support_ticket_status on support_ticket (tenant_id, status, assignee)",
    "create index support_ticket_requester on support_ticket (tenant_id, lower(requester_email))",
    # While a ticket waits on its customer (pending) its SLA clocks stop.
    f"""
    create table support_pause (
        {_TENANT},
        id uuid not null,
        ticket_id uuid not null,
        started_at timestamptz not null,
        ended_at timestamptz,
        primary key (tenant_id, id),
        {_fk("ticket_id", "support_ticket", "on delete cascade")}
    )""",
    "create index support_pause_ticket on support_pause (tenant_id, ticket_id)",
    f"""
    create table support_message (
        {_TENANT},
        id uuid not null,
        ticket_id uuid not null,
        kind text not null check (kind in ('public', 'internal', 'customer')),
        author text,
        body text not null,
        rfc_message_id text,
        delivery text,
        created_at timestamptz not null,
        primary key (tenant_id, id),
        {_fk("ticket_id", "support_ticket", "on delete cascade")}
    )""",
    "create index support_message_ticket on support_message (tenant_id, ticket_id, created_at)",
    "create index support_message_rfc on support_message (tenant_id, rfc_message_id) "
    "where rfc_message_id is not null",
    f"""
    create table support_canned (
        {_TENANT},
        id uuid not null,
        title text not null check (length(title) between 1 and 200),
        body text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table support_kb_category (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table support_kb_article (
        {_TENANT},
        id uuid not null,
        category_id uuid,
        title text not null check (length(title) between 1 and 300),
        body text not null,
        status text not null check (status in ('draft', 'published')),
        language regconfig not null default 'english',
        search tsvector generated always as (
            setweight(to_tsvector(language, title), 'A') ||
            setweight(to_tsvector(language, body), 'B')
        ) stored,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_fk("category_id", "support_kb_category")}
    )""",
    "create index support_kb_article_search on support_kb_article using gin (search)",
    f"""
    create table support_csat (
        {_TENANT},
        id uuid not null,
        ticket_id uuid not null,
        rating smallint not null check (rating between 1 and 5),
        comment text,
        answered_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, ticket_id),
        {_fk("ticket_id", "support_ticket", "on delete cascade")}
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="support", description=DESCRIPTION)

    async def create() -> None:
        from nexus_support.tables import Ticket

        for statement in STATEMENTS:
            await Ticket.raw(statement)

    manager.add_raw(create)
    return manager
