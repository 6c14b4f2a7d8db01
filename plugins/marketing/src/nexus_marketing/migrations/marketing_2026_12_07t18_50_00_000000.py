"""Web forms that create CRM contacts with UTM attribution, and their submissions."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T18:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "web forms and submissions"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    f"""
    create table marketing_form (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        consent_channel text check (consent_channel in ('email', 'sms', 'whatsapp')),
        tags text[] not null default array[]::text[],
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, name)
    )""",
    f"""
    create table marketing_form_submission (
        {_TENANT},
        id uuid not null,
        form_id uuid not null,
        contact_id uuid not null,
        utm_source text,
        utm_medium text,
        utm_campaign text,
        utm_term text,
        utm_content text,
        referrer text,
        consent boolean not null,
        client_address text,
        submitted_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, form_id) references marketing_form (tenant_id, id)
            on delete cascade
    )""",
    "create index marketing_form_submission_form on marketing_form_submission "
    "(tenant_id, form_id, submitted_at desc)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="marketing", description=DESCRIPTION)

    async def create() -> None:
        from nexus_marketing.tables import Form

        for statement in STATEMENTS:
            await Form.raw(statement)

    manager.add_raw(create)
    return manager
