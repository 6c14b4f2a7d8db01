"""The AI tables (Piccolo), all tenant-owned; the migration in ``migrations/`` creates them.

The logic modules query with SQL; these classes give Piccolo (and ``nexus migrate``) the
tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import JSONB, UUID, Array, BigInt, Boolean, Integer, Numeric, Text, Timestamptz
from piccolo.table import Table

__all__ = ("McpCall", "McpServer", "Policy", "Price", "Provider", "Usage")


class Provider(TenantOwned, Table, tablename="ai_provider"):
    """A provider's settings for the tenant: its key (Fernet token), base URL and prices."""

    id = UUID(primary_key=True)
    provider = Text()
    key_token = Text(null=True)
    base_url = Text(null=True)
    input_price = Numeric(digits=(18, 6))
    output_price = Numeric(digits=(18, 6))
    currency = Text()
    updated_at = Timestamptz()


class Policy(TenantOwned, Table, tablename="ai_policy"):
    """The tenant's model policy: provider, allowed models, bounds and token limits."""

    id = UUID(primary_key=True)
    provider = Text()
    models = Array(Text())
    default_model = Text()
    embedding_model = Text(null=True)
    max_tokens = Integer()
    max_turns = Integer()
    tenant_tokens_per_month = BigInt(null=True)
    user_tokens_per_month = BigInt(null=True)


class Usage(TenantOwned, Table, tablename="ai_usage"):
    """One metered call: who, which model, tokens in and out, and its cost."""

    id = UUID(primary_key=True)
    actor = Text()
    provider = Text()
    model = Text()
    kind = Text()
    input_tokens = BigInt()
    output_tokens = BigInt()
    cost = Numeric(digits=(18, 6))
    currency = Text()
    created_at = Timestamptz()


class McpServer(TenantOwned, Table, tablename="ai_mcp_server"):
    """An external MCP server the tenant registered: its tools serve the assistant."""

    id = UUID(primary_key=True)
    name = Text()
    url = Text()
    token_token = Text(null=True)
    created_at = Timestamptz()


class McpCall(TenantOwned, Table, tablename="ai_mcp_call"):
    """One call of an external server's tool: who, which tool, the arguments, the outcome."""

    id = UUID(primary_key=True)
    server_id = UUID()
    actor = Text()
    tool = Text()
    arguments = JSONB()
    ok = Boolean()
    error = Text(null=True)
    created_at = Timestamptz()


class Price(TenantOwned, Table, tablename="ai_price"):
    """The tenant's price of one provider's model, per million input and output tokens."""

    id = UUID(primary_key=True)
    provider = Text()
    model = Text()
    input_price = Numeric(digits=(18, 6))
    output_price = Numeric(digits=(18, 6))
    currency = Text()
    updated_at = Timestamptz()
