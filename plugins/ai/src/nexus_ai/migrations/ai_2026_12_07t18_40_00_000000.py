from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T18:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the tenant's prices per provider and model"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # A tenant's price of one model, per million input and output tokens: it overrides the
    # operator's default (NEXUS_AI_PRICES) and the provider's prices.
    f"""
    create table ai_price (
        {_TENANT},
        id uuid not null,
        provider text not null check (provider in ('openai', 'anthropic', 'gemini')),
        model text not null,
        input_price numeric(18, 6) not null check (input_price >= 0),
        output_price numeric(18, 6) not null check (output_price >= 0),
        currency text not null check (currency ~ '^[A-Z][A-Z][A-Z]$'),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, provider, model)
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ai", description=DESCRIPTION)

    async def create() -> None:
        from nexus_ai.tables import Price

        for statement in STATEMENTS:
            await Price.raw(statement)

    manager.add_raw(create)
    return manager
