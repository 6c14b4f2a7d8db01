"""Provider settings (keys encrypted at rest), the model policy, and the usage ledger."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from litestar.exceptions import HTTPException
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict
from nexus_hookspecs.secrets import Keyring

from nexus_ai._prices import price_for
from nexus_ai._provider import Credentials

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_ai._model import Usage

__all__ = (
    "KEYS",
    "PolicyOut",
    "ProviderName",
    "ProviderRow",
    "credentials",
    "enforce_limits",
    "load_policy",
    "meter",
    "month_start",
    "platform_key",
    "provider_row",
    "used_tokens",
)

ProviderName = Literal["openai", "anthropic", "gemini"]

KEYS = Keyring("NEXUS_AI_KEYS", owner="ai")
"""The tenants' provider keys, encrypted with the Fernet keys of ``NEXUS_AI_KEYS``."""

_MILLION = Decimal(1_000_000)


class ProviderRow(msgspec.Struct, kw_only=True):
    """A provider's settings as stored (the key as its Fernet token)."""

    provider: str
    key_token: str | None
    base_url: str | None
    input_price: Decimal
    output_price: Decimal
    currency: str


class PolicyOut(msgspec.Struct, kw_only=True):
    """The tenant's model policy."""

    provider: ProviderName
    models: list[str]
    default_model: str
    embedding_model: str | None
    max_tokens: int
    max_turns: int
    tenant_tokens_per_month: int | None
    user_tokens_per_month: int | None


def platform_key(provider: str) -> str | None:
    """The deployment's own key for ``provider`` (``NEXUS_AI_<PROVIDER>_API_KEY``), if set."""
    return os.environ.get(f"NEXUS_AI_{provider.upper()}_API_KEY") or None


async def load_policy(conn: Connection) -> PolicyOut:
    """The tenant's policy; 409 when none was set (the assistant is not configured)."""
    row = await conn.fetchrow("select * from ai_policy")
    if row is None:
        conflict("no model policy: PUT /api/v1/ai/policy first", blocking=["ai.policy"])
    return msgspec.convert(dict(row), PolicyOut)


async def provider_row(conn: Connection, provider: str) -> ProviderRow | None:
    """The tenant's settings for ``provider``, if any."""
    row = await conn.fetchrow("select * from ai_provider where provider = $1", provider)
    return None if row is None else msgspec.convert(dict(row), ProviderRow)


async def credentials(conn: Connection, provider: str) -> tuple[Credentials, ProviderRow]:
    """The tenant's key (decrypted) or else the platform's, with the base URL and prices."""
    row = await provider_row(conn, provider) or ProviderRow(
        provider=provider,
        key_token=None,
        base_url=None,
        input_price=Decimal(0),
        output_price=Decimal(0),
        currency="USD",
    )
    key = KEYS.decrypt(row.key_token) if row.key_token else platform_key(provider)
    if not key:
        conflict(f"no API key for {provider}: set one with PUT /api/v1/ai/providers/{provider}")
    return Credentials(api_key=str(key), base_url=row.base_url), row


def month_start() -> datetime:
    """The first instant of this calendar month (UTC): the limits' period."""
    now = datetime.now(UTC)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def used_tokens(conn: Connection, actor: str | None = None) -> int:
    """Tokens (in and out) used this calendar month (UTC) by the tenant, or by ``actor``."""
    value = await conn.fetchval(
        "select coalesce(sum(input_tokens + output_tokens), 0) from ai_usage "
        "where created_at >= $1 and ($2::text is null or actor = $2)",
        month_start(),
        actor,
    )
    return int(value)


async def enforce_limits(conn: Connection, policy: PolicyOut, actor: str) -> None:
    """429 naming the limit when the tenant's or the user's monthly tokens are used up."""
    limits: list[tuple[str, int | None, str | None]] = [
        ("tenant_tokens_per_month", policy.tenant_tokens_per_month, None),
        ("user_tokens_per_month", policy.user_tokens_per_month, actor),
    ]
    for name, limit, who in limits:
        if limit is None:
            continue
        used = await used_tokens(conn, who)
        if used >= limit:
            raise HTTPException(
                f"the {name} limit ({limit} tokens) is used up: {used} this month",
                status_code=429,
                extra={"limit": name, "limit_tokens": limit, "used_tokens": used},
            )


async def meter(
    conn: Connection,
    *,
    actor: str,
    row: ProviderRow,
    model: str,
    kind: str,
    usage: Usage,
) -> dict[str, Any]:
    """Write one call's tokens and cost (the model's price per million tokens) to the ledger."""
    price = await price_for(conn, row, model)
    cost = (
        price.input_price * usage.input_tokens + price.output_price * usage.output_tokens
    ) / _MILLION
    await conn.execute(
        "insert into ai_usage (id, actor, provider, model, kind, input_tokens, output_tokens, "
        "cost, currency) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        new_id(),
        actor,
        row.provider,
        model,
        kind,
        usage.input_tokens,
        usage.output_tokens,
        cost,
        price.currency,
    )
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cost": cost,
        "currency": price.currency,
    }
