from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the marketing tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)


def _fk(column: str, table: str, action: str = "on delete cascade") -> str:
    return f"foreign key (tenant_id, {column}) references {table} (tenant_id, id) {action}"


STATEMENTS = [
    # The projection of CRM's contacts (crm.contact.* events).
    f"""
    create table marketing_contact (
        {_TENANT},
        id uuid not null,
        email text,
        phone text,
        name text not null default '',
        tags text[] not null default array[]::text[],
        time_zone text,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    "create index marketing_contact_tags on marketing_contact using gin (tags)",
    # Consent per contact and channel, with the proof of the double opt-in.
    f"""
    create table marketing_consent (
        {_TENANT},
        id uuid not null,
        contact_id uuid not null,
        channel text not null check (channel in ('email', 'sms', 'whatsapp')),
        state text not null check (state in ('pending', 'confirmed', 'unsubscribed',
            'suppressed')),
        source text not null,
        requested_at timestamptz not null default now(),
        requested_ip text,
        confirmed_at timestamptz,
        confirmed_ip text,
        confirmed_agent text,
        changed_at timestamptz not null default now(),
        reason text,
        primary key (tenant_id, id),
        unique (tenant_id, contact_id, channel),
        {_fk("contact_id", "marketing_contact")}
    )""",
    f"""
    create table marketing_list (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table marketing_list_member (
        {_TENANT},
        list_id uuid not null,
        contact_id uuid not null,
        added_at timestamptz not null default now(),
        primary key (tenant_id, list_id, contact_id),
        {_fk("list_id", "marketing_list")},
        {_fk("contact_id", "marketing_contact")}
    )""",
    # A saved dynamic filter over the contacts.
    f"""
    create table marketing_segment (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        tags_all text[] not null default array[]::text[],
        tags_any text[] not null default array[]::text[],
        email_domain text,
        list_id uuid,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_fk("list_id", "marketing_list", "on delete restrict")}
    )""",
    f"""
    create table marketing_campaign (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        channel text not null check (channel in ('email', 'sms', 'whatsapp')),
        segment_id uuid,
        list_id uuid,
        subject text,
        subject_b text,
        text text not null,
        html text,
        status text not null default 'draft'
            check (status in ('draft', 'sending', 'sent')),
        rate_per_minute integer not null check (rate_per_minute > 0),
        recipients integer not null default 0,
        created_at timestamptz not null default now(),
        started_at timestamptz,
        primary key (tenant_id, id),
        {_fk("segment_id", "marketing_segment", "on delete restrict")},
        {_fk("list_id", "marketing_list", "on delete restrict")}
    )""",
    f"""
    create table marketing_batch (
        {_TENANT},
        id uuid not null,
        campaign_id uuid not null,
        number integer not null,
        due_at timestamptz not null,
        sent_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, campaign_id, number),
        {_fk("campaign_id", "marketing_campaign")}
    )""",
    "create index marketing_batch_due on marketing_batch (tenant_id, due_at) where sent_at is null",
    f"""
    create table marketing_recipient (
        {_TENANT},
        id uuid not null,
        campaign_id uuid not null,
        contact_id uuid not null,
        batch integer not null,
        variant text not null check (variant in ('a', 'b')),
        state text not null default 'pending'
            check (state in ('pending', 'queued', 'skipped', 'failed')),
        delivery_id uuid,
        sent_at timestamptz,
        opened_at timestamptz,
        opens integer not null default 0,
        clicked_at timestamptz,
        clicks integer not null default 0,
        bounced boolean not null default false,
        unsubscribed_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, campaign_id, contact_id),
        {_fk("campaign_id", "marketing_campaign")},
        {_fk("contact_id", "marketing_contact")}
    )""",
    "create index marketing_recipient_batch on marketing_recipient (tenant_id, campaign_id, batch)",
    "create index marketing_recipient_delivery on marketing_recipient (tenant_id, delivery_id) "
    "where delivery_id is not null",
    f"""
    create table marketing_click (
        {_TENANT},
        id uuid not null,
        recipient_id uuid not null,
        url text not null,
        clicked_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_fk("recipient_id", "marketing_recipient")}
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="marketing", description=DESCRIPTION)

    async def create() -> None:
        from nexus_marketing.tables import Contact

        for statement in STATEMENTS:
            await Contact.raw(statement)

    manager.add_raw(create)
    return manager
