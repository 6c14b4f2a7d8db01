from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the notification tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)
_CHANNEL = (
    "channel text not null check (channel in ('email', 'sms', 'whatsapp', 'in_app', 'webhook'))"
)

STATEMENTS = [
    # The tenant's slug (from nexus_tenant_enable), for the URLs providers call back.
    f"""
    create table notify_tenant (
        {_TENANT},
        id uuid not null,
        slug text not null,
        primary key (tenant_id, id),
        unique (tenant_id)
    )""",
    f"""
    create table notify_template (
        {_TENANT},
        id uuid not null,
        key text not null check (length(key) between 1 and 200),
        locale text not null,
        version integer not null check (version > 0),
        subject text not null,
        text text not null,
        html text,
        whatsapp_template text,
        whatsapp_params text[] not null default array[]::text[],
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, key, locale, version)
    )""",
    f"""
    create table notify_message (
        {_TENANT},
        id uuid not null,
        idempotency_key text,
        category text not null,
        template text,
        template_version integer,
        recipient jsonb not null,
        locale text not null,
        subject text not null,
        text text not null,
        html text,
        whatsapp jsonb,
        reply_to text,
        email_headers jsonb not null default jsonb_build_object(),
        source_ref text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, idempotency_key)
    )""",
    f"""
    create table notify_webhook_endpoint (
        {_TENANT},
        id uuid not null,
        url text not null,
        secret_enc text not null,
        categories text[] not null,
        active boolean not null default true,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    # One send of a message on one channel: queued → sending → sent | failed (retrying and
    # dead on the way; scheduled while the recipient's quiet hours last; suppressed when the
    # recipient unsubscribed). ``status`` is what the provider's callbacks said after.
    f"""
    create table notify_delivery (
        {_TENANT},
        id uuid not null,
        message_id uuid not null,
        {_CHANNEL},
        address text,
        endpoint_id uuid,
        provider text,
        state text not null check (state in ('queued', 'scheduled', 'sending', 'sent',
            'retrying', 'failed', 'dead', 'suppressed')),
        attempts integer not null default 0,
        next_attempt_at timestamptz,
        provider_ref text,
        status text,
        error text,
        callback_token text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, message_id) references notify_message (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, endpoint_id) references notify_webhook_endpoint (tenant_id, id)
            on delete cascade
    )""",
    "create index notify_delivery_message on notify_delivery (tenant_id, message_id)",
    "create index notify_delivery_due on notify_delivery (next_attempt_at) "
    "where state in ('scheduled', 'retrying')",
    "create index notify_delivery_ref on notify_delivery (tenant_id, provider, provider_ref)",
    f"""
    create table notify_provider (
        {_TENANT},
        id uuid not null,
        provider text not null check (provider in ('twilio', 'africastalking', 'whatsapp',
            'smtp')),
        config_enc text not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, provider)
    )""",
    f"""
    create table notify_preference (
        {_TENANT},
        id uuid not null,
        user_id uuid not null,
        category text not null,
        channels text[] not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, user_id, category)
    )""",
    f"""
    create table notify_unsubscribe (
        {_TENANT},
        id uuid not null,
        address text not null,
        category text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, address, category)
    )""",
    f"""
    create table notify_feed (
        {_TENANT},
        id uuid not null,
        user_id uuid not null,
        message_id uuid not null,
        category text not null,
        title text not null,
        body text not null,
        read_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, message_id) references notify_message (tenant_id, id)
            on delete cascade
    )""",
    "create index notify_feed_user on notify_feed (tenant_id, user_id, id)",
    # Routing only: which tenants have deliveries due (quiet hours over, a retry's time).
    # Not a tenant table (no tenant_id column, no row of data): one row per tenant with work
    # ahead, written and read only through the security-definer functions below, so the
    # API role can neither read it nor write another tenant's row.
    "create table notify_due_tenant (tenant uuid primary key, due_at timestamptz not null)",
    """
    do $$
    declare grantee_name text;
    begin
        for grantee_name in select distinct grantee from information_schema.role_table_grants
                where table_name = 'notify_due_tenant' and grantee <> current_user loop
            execute format('revoke all on notify_due_tenant from %I', grantee_name);
        end loop;
    end $$""",
    # Note (exact = false: the earlier of the kept time and ``at``) or set (exact = true;
    # null clears it) when the current tenant next has due work.
    """
    create function notify_due_at(at timestamptz, exact boolean) returns void
    language plpgsql volatile security definer set search_path = public, pg_temp as $$
    declare me uuid := nullif(current_setting('nexus.tenant_id', true), '')::uuid;
    begin
        if me is null then
            return;
        end if;
        if at is null then
            if exact then
                delete from notify_due_tenant where tenant = me;
            end if;
            return;
        end if;
        insert into notify_due_tenant (tenant, due_at) values (me, at)
        on conflict (tenant) do update set due_at = case when exact then excluded.due_at
            else least(notify_due_tenant.due_at, excluded.due_at) end;
    end $$""",
    """
    create function notify_due_tenants() returns setof uuid
    language sql stable security definer set search_path = public, pg_temp as $$
        select tenant from notify_due_tenant where due_at <= now() order by due_at limit 1000
    $$""",
    "revoke all on function notify_due_at(timestamptz, boolean) from public",
    "grant execute on function notify_due_at(timestamptz, boolean) to public",
    "revoke all on function notify_due_tenants() from public",
    "grant execute on function notify_due_tenants() to public",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="notify", description=DESCRIPTION)

    async def create() -> None:
        from nexus_notify.tables import Message

        for statement in STATEMENTS:
            await Message.raw(statement)

    manager.add_raw(create)
    return manager
