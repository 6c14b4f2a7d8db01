from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T18:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "external MCP servers a tenant registers, and the ledger of their calls"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # An external MCP server: its tools are offered to the assistant as mcp.<name>.<tool>.
    # token_token is the Fernet token of its bearer token (NEXUS_AI_KEYS), never answered.
    f"""
    create table ai_mcp_server (
        {_TENANT},
        id uuid not null,
        name text not null check (name ~ '^[a-z][a-z0-9_]*$' and length(name) <= 31),
        url text not null,
        token_token text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, name)
    )""",
    # Every call of an external server's tool the assistant made: who, what, the outcome.
    f"""
    create table ai_mcp_call (
        {_TENANT},
        id uuid not null,
        server_id uuid not null,
        actor text not null,
        tool text not null,
        arguments jsonb not null,
        ok boolean not null,
        error text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, server_id) references ai_mcp_server (tenant_id, id)
            on delete cascade
    )""",
    "create index ai_mcp_call_server on ai_mcp_call (tenant_id, server_id, created_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ai", description=DESCRIPTION)

    async def create() -> None:
        from nexus_ai.tables import McpServer

        for statement in STATEMENTS:
            await McpServer.raw(statement)

    manager.add_raw(create)
    return manager
