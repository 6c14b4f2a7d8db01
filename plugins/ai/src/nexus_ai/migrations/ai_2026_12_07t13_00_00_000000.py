from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the ai tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # A provider's settings for the tenant; key_token is the Fernet token of its API key
    # (null: the platform's key, if the deployment has one). Prices per million tokens.
    f"""
    create table ai_provider (
        {_TENANT},
        id uuid not null,
        provider text not null check (provider in ('openai', 'anthropic', 'gemini')),
        key_token text,
        base_url text,
        input_price numeric(18, 6) not null default 0 check (input_price >= 0),
        output_price numeric(18, 6) not null default 0 check (output_price >= 0),
        currency text not null default 'USD' check (currency ~ '^[A-Z][A-Z][A-Z]$'),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, provider)
    )""",
    # The tenant's model policy, one row.
    f"""
    create table ai_policy (
        {_TENANT},
        id uuid not null,
        provider text not null check (provider in ('openai', 'anthropic', 'gemini')),
        models text[] not null,
        default_model text not null,
        embedding_model text,
        max_tokens integer not null check (max_tokens between 1 and 200000),
        max_turns integer not null check (max_turns between 1 and 20),
        tenant_tokens_per_month bigint check (tenant_tokens_per_month >= 0),
        user_tokens_per_month bigint check (user_tokens_per_month >= 0),
        primary key (tenant_id, id)
    )""",
    "create unique index ai_policy_one on ai_policy (tenant_id)",
    # The usage ledger: one row per provider call.
    f"""
    create table ai_usage (
        {_TENANT},
        id uuid not null,
        actor text not null,
        provider text not null,
        model text not null,
        kind text not null check (kind in ('chat', 'embedding')),
        input_tokens bigint not null check (input_tokens >= 0),
        output_tokens bigint not null check (output_tokens >= 0),
        cost numeric(18, 6) not null,
        currency text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    "create index ai_usage_period on ai_usage (tenant_id, created_at, actor)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ai", description=DESCRIPTION)

    async def create() -> None:
        from nexus_ai.tables import Usage

        for statement in STATEMENTS:
            await Usage.raw(statement)

    manager.add_raw(create)
    return manager
