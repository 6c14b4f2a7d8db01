"""Create the mail tables, the domain routing table and its security-definer functions."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T02:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the mail tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    f"""
    create table mail_domain (
        {_TENANT},
        id uuid not null,
        domain text not null check (domain ~ '^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$'),
        selector text not null,
        private_key text not null,
        public_key text not null,
        verified boolean not null default false,
        checked_at timestamptz,
        last_check jsonb,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, domain)
    )""",
    f"""
    create table mail_mailbox (
        {_TENANT},
        id uuid not null,
        domain_id uuid not null,
        address text not null,
        display_name text,
        user_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, address),
        foreign key (tenant_id, domain_id) references mail_domain (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table mail_alias (
        {_TENANT},
        id uuid not null,
        mailbox_id uuid not null,
        address text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, address),
        foreign key (tenant_id, mailbox_id) references mail_mailbox (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table mail_folder (
        {_TENANT},
        id uuid not null,
        mailbox_id uuid not null,
        name text not null check (length(name) between 1 and 200),
        role text check (role in ('inbox', 'sent', 'drafts', 'trash', 'junk')),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, mailbox_id, name),
        foreign key (tenant_id, mailbox_id) references mail_mailbox (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table mail_thread (
        {_TENANT},
        id uuid not null,
        mailbox_id uuid not null,
        subject text not null,
        last_at timestamptz not null default now(),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, mailbox_id) references mail_mailbox (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table mail_message (
        {_TENANT},
        id uuid not null,
        mailbox_id uuid not null,
        folder_id uuid not null,
        thread_id uuid not null,
        direction text not null check (direction in ('in', 'out')),
        state text not null
            check (state in ('received', 'draft', 'sending', 'sent', 'failed', 'bounced')),
        rfc_message_id text not null,
        from_address text not null,
        from_name text,
        to_addresses text[] not null default array[]::text[],
        cc_addresses text[] not null default array[]::text[],
        subject text not null default '',
        text_body text not null default '',
        html_body text,
        in_reply_to text,
        refs text[] not null default array[]::text[],
        auth jsonb,
        delivery_ref text,
        error text,
        seen boolean not null default false,
        size integer not null default 0,
        at timestamptz not null default now(),
        created_at timestamptz not null default now(),
        search tsvector generated always as (
            setweight(to_tsvector('simple', coalesce(subject, '')), 'A')
            || setweight(to_tsvector('simple', coalesce(from_address, '') || ' '
                || coalesce(from_name, '')), 'B')
            || setweight(to_tsvector('simple', left(coalesce(text_body, ''), 200000)), 'C')
        ) stored,
        primary key (tenant_id, id),
        foreign key (tenant_id, mailbox_id) references mail_mailbox (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, folder_id) references mail_folder (tenant_id, id),
        foreign key (tenant_id, thread_id) references mail_thread (tenant_id, id)
    )""",
    "create index mail_message_folder on mail_message (tenant_id, folder_id, at desc)",
    "create index mail_message_rfc on mail_message (tenant_id, rfc_message_id)",
    "create unique index mail_message_delivery on mail_message (tenant_id, delivery_ref) "
    "where delivery_ref is not null",
    "create index mail_message_search on mail_message using gin (search)",
    f"""
    create table mail_attachment (
        {_TENANT},
        id uuid not null,
        message_id uuid not null,
        filename text not null,
        content_type text not null,
        size integer not null check (size >= 0),
        key text not null,
        primary key (tenant_id, id),
        foreign key (tenant_id, message_id) references mail_message (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table mail_suppression (
        {_TENANT},
        id uuid not null,
        address text not null,
        kind text not null check (kind in ('bounce', 'complaint')),
        status text,
        diagnostic text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, address)
    )""",
    # Which tenant a verified domain belongs to: no tenant_id column, so no row-level
    # security; nobody but the owner reads it, through the functions below.
    """
    create table mail_domain_route (
        domain text primary key,
        owner_tenant uuid not null
    )""",
    """
    do $$ declare grantee text; begin
        for grantee in select distinct g.grantee from information_schema.role_table_grants g
            where g.table_name = 'mail_domain_route' and g.grantee <> current_user loop
            execute format('revoke all on mail_domain_route from %I', grantee);
        end loop;
    end $$""",
    """
    create function mail_domain_routed() returns trigger language plpgsql security definer
    set search_path = public, pg_temp as $fn$
    begin
        if tg_op in ('UPDATE', 'DELETE') then
            delete from mail_domain_route
             where domain = old.domain and owner_tenant = old.tenant_id;
        end if;
        if tg_op in ('INSERT', 'UPDATE') and new.verified then
            insert into mail_domain_route (domain, owner_tenant) values (new.domain, new.tenant_id);
        end if;
        return null;
    end $fn$""",
    "create trigger mail_domain_route_sync after insert or update or delete on mail_domain "
    "for each row execute function mail_domain_routed()",
    # The routing answer only: the tenant a domain's mail goes to, or null.
    """
    create function mail_route_domain(name text) returns uuid language sql stable
    security definer set search_path = public, pg_temp as $fn$
        select owner_tenant from mail_domain_route where domain = lower(name)
    $fn$""",
    "revoke all on function mail_route_domain(text) from public",
    "grant execute on function mail_route_domain(text) to public",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="mail", description=DESCRIPTION)

    async def create() -> None:
        from nexus_mail.tables import Domain

        for statement in STATEMENTS:
            await Domain.raw(statement)

    manager.add_raw(create)
    return manager
